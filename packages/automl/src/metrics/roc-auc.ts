/**
 * Binary ROC AUC via the rank-sum (Mann-Whitney U) formula with average ranks for ties, which
 * equals the trapezoidal area scikit-learn's roc_auc_score reports.
 * @param isPositive 1 for the positive class, 0 otherwise.
 * @param scores higher means more likely positive.
 */
export function rocAuc(isPositive: readonly number[], scores: readonly number[]): number {
  if (isPositive.length !== scores.length) throw new RangeError('rocAuc: labels and scores differ in length.');
  const order = scores.map((_, index) => index).sort((left, right) => (scores[left] as number) - (scores[right] as number));
  let positiveCount = 0;
  let positiveRankSum = 0;
  let position = 0;
  while (position < order.length) {
    // Group tied scores and give each the average of their ranks.
    let end = position;
    const score = scores[order[position] as number] as number;
    while (end + 1 < order.length && scores[order[end + 1] as number] === score) end += 1;
    const averageRank = (position + end) / 2 + 1;
    for (let index = position; index <= end; index += 1) {
      if (isPositive[order[index] as number] === 1) {
        positiveCount += 1;
        positiveRankSum += averageRank;
      }
    }
    position = end + 1;
  }
  const negativeCount = order.length - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return Number.NaN;
  return (positiveRankSum - (positiveCount * (positiveCount + 1)) / 2) / (positiveCount * negativeCount);
}

/**
 * ROC AUC for class indices and a probability matrix: the binary AUC of column 1 for two
 * classes, else the unweighted mean of one-vs-rest AUCs (sklearn's multi_class='ovr', average='macro').
 */
export function rocAucFromProbabilities(classIndices: readonly number[], probabilities: readonly number[][]): number {
  const classCount = probabilities[0]?.length ?? 0;
  if (classCount === 2) {
    return rocAuc(
      classIndices,
      probabilities.map((row) => row[1] as number),
    );
  }
  let total = 0;
  let counted = 0;
  for (let classIndex = 0; classIndex < classCount; classIndex += 1) {
    const auc = rocAuc(
      classIndices.map((value) => (value === classIndex ? 1 : 0)),
      probabilities.map((row) => row[classIndex] as number),
    );
    if (!Number.isNaN(auc)) {
      total += auc;
      counted += 1;
    }
  }
  return counted === 0 ? Number.NaN : total / counted;
}
