import type { FeatureMatrix } from '../types.js';

/** A fitted two-class model scoring the probability of class 1. */
export interface BinaryModel {
  predictPositive(features: FeatureMatrix): number[];
  toJSON(): unknown;
}

export function sigmoid(value: number): number {
  // Two branches keep exp() from overflowing for large |value|.
  if (value >= 0) return 1 / (1 + Math.exp(-value));
  const exponential = Math.exp(value);
  return exponential / (1 + exponential);
}
