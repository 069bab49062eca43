/** Mean negative log-likelihood of the true class; probabilities are clipped like sklearn's log_loss. */
export function logLoss(classIndices: readonly number[], probabilities: readonly number[][]): number {
  const epsilon = 1e-15;
  let total = 0;
  classIndices.forEach((classIndex, row) => {
    const probability = probabilities[row]?.[classIndex] ?? 0;
    total -= Math.log(Math.min(1 - epsilon, Math.max(epsilon, probability)));
  });
  return total / classIndices.length;
}
