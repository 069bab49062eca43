import { describe, expect, it } from 'vitest';
import { AutoMLOrchestrator } from './automl-orchestrator.js';
import { generateChurnCustomers } from './datasets/synthetic-churn.js';
import { withoutLabel } from './datasets/without-label.js';
import { rocAuc } from './metrics/roc-auc.js';
import { stratifiedTrainTestSplit } from './validation/stratified-train-test-split.js';

describe('model quality on a realistic churn table', () => {
  it('beats (or matches) the one-hot logistic-regression baseline on held-out rows', async () => {
    const customers = generateChurnCustomers({ count: 4000, seed: 2024 });
    const labels = customers.map((customer) => customer.churned);
    const rows = withoutLabel(customers, 'churned');
    const split = stratifiedTrainTestSplit(
      labels.map((label) => (label === 'Yes' ? 1 : 0)),
      0.25,
      1,
    );
    const trainRows = split.trainIndices.map((index) => rows[index] as (typeof rows)[number]);
    const trainLabels = split.trainIndices.map((index) => labels[index] as string);
    const testRows = split.testIndices.map((index) => rows[index] as (typeof rows)[number]);
    const testTruth = split.testIndices.map((index) => (labels[index] === 'Yes' ? 1 : 0));

    // Three folds keep the suite fast; the property (search picks a model at least as good) does not need five.
    const automl = await new AutoMLOrchestrator({ seed: 1, folds: 3 }).fit(trainRows, trainLabels);
    const baseline = await new AutoMLOrchestrator({ seed: 1, folds: 2, candidates: ['logistic-regression'] }).fit(trainRows, trainLabels);
    const bestAuc = rocAuc(
      testTruth,
      automl.predictProba(testRows).map((row) => row[1] as number),
    );
    const baselineAuc = rocAuc(
      testTruth,
      baseline.predictProba(testRows).map((row) => row[1] as number),
    );

    expect(bestAuc).toBeGreaterThan(0.75);
    expect(bestAuc).toBeGreaterThanOrEqual(baselineAuc - 0.01);
  });
});
