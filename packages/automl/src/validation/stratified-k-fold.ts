import { SeededRandom } from '../random/seeded-random.js';

export interface Fold {
  trainIndices: number[];
  testIndices: number[];
}

/**
 * Stratified k-fold: rows of each class are shuffled with the seed and dealt round-robin to the
 * folds, so every fold keeps the overall class ratio (within one row per class).
 */
export function stratifiedKFold(classIndices: readonly number[], folds: number, seed: number): Fold[] {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer >= 2, got ${folds}.`);
  const random = new SeededRandom(seed);
  const foldOfRow = new Array<number>(classIndices.length).fill(0);
  const rowsByClass = new Map<number, number[]>();
  classIndices.forEach((classIndex, row) => {
    const rows = rowsByClass.get(classIndex) ?? [];
    rows.push(row);
    rowsByClass.set(classIndex, rows);
  });
  // Continue the round-robin across classes so fold sizes stay balanced too.
  let nextFold = 0;
  for (const classIndex of [...rowsByClass.keys()].sort((left, right) => left - right)) {
    const rows = random.shuffleInPlace([...(rowsByClass.get(classIndex) ?? [])]);
    for (const row of rows) {
      foldOfRow[row] = nextFold;
      nextFold = (nextFold + 1) % folds;
    }
  }
  return Array.from({ length: folds }, (_, fold) => {
    const trainIndices: number[] = [];
    const testIndices: number[] = [];
    foldOfRow.forEach((assigned, row) => (assigned === fold ? testIndices : trainIndices).push(row));
    return { trainIndices, testIndices };
  });
}
