import type { FeatureMatrix } from '../types.js';

/** A fitted tree in flat arrays (leaf: feature -1); `value` of a leaf already includes the learning rate. */
export interface RegressionTreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface TreeGrowthOptions {
  maxDepth: number;
  minSamplesLeaf: number;
  /** L2 penalty on leaf values (XGBoost's lambda). */
  l2: number;
  minChildHessian: number;
  learningRate: number;
}

/**
 * Grows one depth-limited tree on gradient/hessian statistics using per-feature histograms:
 * split search costs O(rows + bins) per feature and node instead of a sort, which is what makes
 * boosting hundreds of trees on thousands of rows take seconds in plain JavaScript.
 */
export function growRegressionTree(
  bins: readonly Uint8Array[],
  thresholds: readonly number[][],
  gradients: Float64Array,
  hessians: Float64Array,
  rows: Uint32Array,
  options: TreeGrowthOptions,
): RegressionTreeJSON {
  const tree: RegressionTreeJSON = { feature: [], threshold: [], left: [], right: [], value: [] };
  const featureCount = bins.length;
  const histogramGradient = new Float64Array(256);
  const histogramHessian = new Float64Array(256);
  const histogramCount = new Uint32Array(256);

  const grow = (nodeRows: Uint32Array, depth: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    let gradientSum = 0;
    let hessianSum = 0;
    for (const row of nodeRows) {
      gradientSum += gradients[row] as number;
      hessianSum += hessians[row] as number;
    }
    tree.value.push((-gradientSum / (hessianSum + options.l2)) * options.learningRate);
    if (depth >= options.maxDepth || nodeRows.length < 2 * options.minSamplesLeaf) return node;

    const parentScore = (gradientSum * gradientSum) / (hessianSum + options.l2);
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestBin = -1;
    for (let feature = 0; feature < featureCount; feature += 1) {
      const binCount = (thresholds[feature] as number[]).length + 1;
      if (binCount < 2) continue;
      const featureBins = bins[feature] as Uint8Array;
      histogramGradient.fill(0, 0, binCount);
      histogramHessian.fill(0, 0, binCount);
      histogramCount.fill(0, 0, binCount);
      for (const row of nodeRows) {
        const bin = featureBins[row] as number;
        histogramGradient[bin] = (histogramGradient[bin] as number) + (gradients[row] as number);
        histogramHessian[bin] = (histogramHessian[bin] as number) + (hessians[row] as number);
        histogramCount[bin] = (histogramCount[bin] as number) + 1;
      }
      let leftGradient = 0;
      let leftHessian = 0;
      let leftCount = 0;
      for (let bin = 0; bin < binCount - 1; bin += 1) {
        leftGradient += histogramGradient[bin] as number;
        leftHessian += histogramHessian[bin] as number;
        leftCount += histogramCount[bin] as number;
        const rightCount = nodeRows.length - leftCount;
        if (leftCount < options.minSamplesLeaf) continue;
        if (rightCount < options.minSamplesLeaf) break;
        const rightGradient = gradientSum - leftGradient;
        const rightHessian = hessianSum - leftHessian;
        if (leftHessian < options.minChildHessian || rightHessian < options.minChildHessian) continue;
        const gain = (leftGradient * leftGradient) / (leftHessian + options.l2) + (rightGradient * rightGradient) / (rightHessian + options.l2) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = feature;
          bestBin = bin;
        }
      }
    }
    if (bestFeature < 0) return node;

    const featureBins = bins[bestFeature] as Uint8Array;
    let leftSize = 0;
    for (const row of nodeRows) if ((featureBins[row] as number) <= bestBin) leftSize += 1;
    const leftRows = new Uint32Array(leftSize);
    const rightRows = new Uint32Array(nodeRows.length - leftSize);
    let leftIndex = 0;
    let rightIndex = 0;
    for (const row of nodeRows) {
      if ((featureBins[row] as number) <= bestBin) leftRows[leftIndex++] = row;
      else rightRows[rightIndex++] = row;
    }
    tree.feature[node] = bestFeature;
    tree.threshold[node] = (thresholds[bestFeature] as number[])[bestBin] as number;
    tree.left[node] = grow(leftRows, depth + 1);
    tree.right[node] = grow(rightRows, depth + 1);
    return node;
  };

  grow(rows, 0);
  return tree;
}

/** Leaf value for one row of raw (preprocessed, unbinned) features. */
export function evaluateRegressionTree(tree: RegressionTreeJSON, row: readonly number[]): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    node = (row[tree.feature[node] as number] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}

export function evaluateRegressionTrees(trees: readonly RegressionTreeJSON[], features: FeatureMatrix, initialScore: number): Float64Array {
  const scores = new Float64Array(features.length).fill(initialScore);
  for (const tree of trees) {
    for (let row = 0; row < features.length; row += 1) scores[row] = (scores[row] as number) + evaluateRegressionTree(tree, features[row] as number[]);
  }
  return scores;
}
