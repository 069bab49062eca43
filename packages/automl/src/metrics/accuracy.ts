/** Share of rows whose most probable class (first on ties) is the true class. */
export function accuracy(classIndices: readonly number[], probabilities: readonly number[][]): number {
  let correct = 0;
  classIndices.forEach((classIndex, row) => {
    if (argMax(probabilities[row] ?? []) === classIndex) correct += 1;
  });
  return correct / classIndices.length;
}

export function argMax(values: readonly number[]): number {
  let bestIndex = 0;
  for (let index = 1; index < values.length; index += 1) {
    if ((values[index] as number) > (values[bestIndex] as number)) bestIndex = index;
  }
  return bestIndex;
}
