import type { FeatureMatrix } from '../types.js';

/**
 * Per-feature split thresholds for histogram-based trees (as in LightGBM and scikit-learn's
 * HistGradientBoosting): a value x falls in the first bin b with x <= thresholds[b], so a split
 * "bin <= b" is the same as "x <= thresholds[b]" at prediction time on raw values.
 */
export function fitBinThresholds(features: FeatureMatrix, maxBins: number): number[][] {
  const width = features[0]?.length ?? 0;
  const rowCount = features.length;
  const thresholds: number[][] = [];
  for (let column = 0; column < width; column += 1) {
    const values = new Float64Array(rowCount);
    for (let row = 0; row < rowCount; row += 1) values[row] = (features[row] as number[])[column] as number;
    values.sort();
    const distinct: number[] = [];
    for (let index = 0; index < rowCount; index += 1) {
      if (index === 0 || values[index] !== values[index - 1]) distinct.push(values[index] as number);
    }
    const columnThresholds: number[] = [];
    if (distinct.length <= maxBins) {
      // Few distinct values: one bin each, cut half-way between neighbours.
      for (let index = 0; index + 1 < distinct.length; index += 1) {
        columnThresholds.push(((distinct[index] as number) + (distinct[index + 1] as number)) / 2);
      }
    } else {
      // Otherwise equal-frequency cuts, deduplicated (heavy ties collapse into one bin).
      for (let cut = 1; cut < maxBins; cut += 1) {
        const value = values[Math.floor((cut * rowCount) / maxBins)] as number;
        if (columnThresholds.length === 0 || value > (columnThresholds[columnThresholds.length - 1] as number)) columnThresholds.push(value);
      }
    }
    thresholds.push(columnThresholds);
  }
  return thresholds;
}

/** Column-major bin indices (Uint8Array, so at most 256 bins per feature). */
export function binFeatures(features: FeatureMatrix, thresholds: readonly number[][]): Uint8Array[] {
  return thresholds.map((columnThresholds, column) => {
    const bins = new Uint8Array(features.length);
    for (let row = 0; row < features.length; row += 1) {
      bins[row] = findBin(columnThresholds, (features[row] as number[])[column] as number);
    }
    return bins;
  });
}

function findBin(thresholds: readonly number[], value: number): number {
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= (thresholds[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}
