import { stratifiedKFold } from './stratified-k-fold.js';
import type { Fold } from './stratified-k-fold.js';

/**
 * Seeded stratified hold-out split (e.g. testFraction 0.25), for measuring a fitted model on
 * rows it never saw. Built on the k-fold assignment, so the fraction is rounded to 1/k.
 */
export function stratifiedTrainTestSplit(classIndices: readonly number[], testFraction: number, seed: number): Fold {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError('testFraction must be between 0 and 1.');
  const folds = Math.max(2, Math.round(1 / testFraction));
  const [first] = stratifiedKFold(classIndices, folds, seed);
  if (!first) throw new Error('unreachable: stratifiedKFold returned no folds');
  return first;
}
