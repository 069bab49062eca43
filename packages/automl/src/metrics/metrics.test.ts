import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';
import { logLoss } from './log-loss.js';
import { rocAuc, rocAucFromProbabilities } from './roc-auc.js';

describe('metrics', () => {
  it('computes ROC AUC like sklearn, including ties', () => {
    // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    // roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == 0.875
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('averages one-vs-rest AUC for more classes', () => {
    const probabilities = [
      [0.8, 0.1, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.1, 0.8],
      [0.6, 0.3, 0.1],
    ];
    expect(rocAucFromProbabilities([0, 1, 2, 0], probabilities)).toBeCloseTo(1, 12);
  });

  it('computes log loss and accuracy', () => {
    expect(
      logLoss(
        [1, 0],
        [
          [0.2, 0.8],
          [0.6, 0.4],
        ],
      ),
    ).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(
      accuracy(
        [1, 0, 1],
        [
          [0.2, 0.8],
          [0.6, 0.4],
          [0.7, 0.3],
        ],
      ),
    ).toBeCloseTo(2 / 3, 12);
  });
});
