import { AutoMLInputError } from '../errors.js';
import type { Label } from '../types.js';

/**
 * Sorted distinct labels, in the order scikit-learn's `classes_` uses (np.unique): numbers
 * ascending, false before true, strings by code point. Keeping that order means column 1 of
 * predictProba is the "positive" class for No/Yes, false/true and 0/1 targets alike.
 */
export function sortedClasses(labels: readonly unknown[]): Label[] {
  if (labels.length === 0) throw new AutoMLInputError('y is empty.');
  let labelType: 'string' | 'number' | 'boolean' | undefined;
  const distinct = new Set<Label>();
  labels.forEach((label, index) => {
    if (label === null || label === undefined) {
      throw new AutoMLInputError(`y[${index}] is missing; every training row needs a label.`);
    }
    const type = typeof label;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw new AutoMLInputError(`y[${index}] has type ${type}; labels must be strings, numbers or booleans.`);
    }
    if (type === 'number' && !Number.isFinite(label)) {
      throw new AutoMLInputError(`y[${index}] is ${String(label)}; numeric labels must be finite.`);
    }
    if (labelType === undefined) labelType = type;
    else if (labelType !== type) {
      // Mixed label types usually mean a parsing problem upstream ("1" vs 1); sklearn refuses them too.
      throw new AutoMLInputError(`y mixes ${labelType} and ${type} labels (first at y[${index}]); convert them to one type.`);
    }
    distinct.add(label as Label);
  });
  return [...distinct].sort(compareLabels);
}

export function compareLabels(left: Label, right: Label): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  const leftText = String(left);
  const rightText = String(right);
  // Plain comparison = UTF-16 code unit order, like NumPy's unicode sort (not locale-aware).
  return leftText < rightText ? -1 : leftText > rightText ? 1 : 0;
}

/** Maps each label to its index in `classes`. */
export function encodeLabels(labels: readonly Label[], classes: readonly Label[]): number[] {
  const indexByLabel = new Map<Label, number>(classes.map((label, index) => [label, index]));
  return labels.map((label) => {
    const index = indexByLabel.get(label);
    if (index === undefined) throw new AutoMLInputError(`Unknown label ${String(label)}.`);
    return index;
  });
}
