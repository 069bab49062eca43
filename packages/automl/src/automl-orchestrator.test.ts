import { describe, expect, it } from 'vitest';
import { AutoMLOrchestrator } from './automl-orchestrator.js';
import { generateChurnCustomers } from './datasets/synthetic-churn.js';
import { withoutLabel } from './datasets/without-label.js';
import { AutoMLInputError, AutoMLNotFittedError } from './errors.js';
import type { Row } from './types.js';

// Small and fast: properties here do not need a big table or many trees.
const customers = generateChurnCustomers({ count: 400, seed: 11 });
const X: Row[] = withoutLabel(customers, 'churned');
const y = customers.map((customer) => customer.churned);
const fastOptions = { folds: 3, gradientBoosting: { maxIterations: 40 } } as const;

describe('AutoMLOrchestrator', () => {
  it('fits, ranks candidates and reports dropped identifier columns', async () => {
    const automl = await new AutoMLOrchestrator({ seed: 1, ...fastOptions }).fit(X, y);
    expect(automl.classes).toEqual(['No', 'Yes']);
    expect(automl.leaderboard.map((entry) => entry.model).sort()).toEqual(['gradient-boosting', 'logistic-regression']);
    const [best, second] = automl.leaderboard;
    expect(best?.model).toBe(automl.bestModel);
    expect(best?.rocAuc).toBeGreaterThanOrEqual(second?.rocAuc ?? 1);
    for (const entry of automl.leaderboard) {
      expect(entry.rocAuc).toBeGreaterThan(0.6);
      expect(entry.accuracy).toBeGreaterThan(0.6);
      expect(entry.logLoss).toBeGreaterThan(0);
      expect(entry.fitTimeMs).toBeGreaterThan(0);
    }
    expect(automl.droppedColumns).toEqual([
      { name: 'customer_id', reason: 'id-like' },
      { name: 'email', reason: 'id-like' },
    ]);
    const types = Object.fromEntries(automl.featureSummary.columns.map((column) => [column.name, column.type]));
    expect(types).toMatchObject({ total_charges: 'numeric', signup_date: 'date', paperless_billing: 'boolean', contract: 'categorical' });
  });

  it('returns probabilities whose columns follow the sorted classes, and predict agrees', async () => {
    const automl = await new AutoMLOrchestrator({ seed: 1, candidates: ['logistic-regression'], folds: 3 }).fit(X, y);
    const probabilities = automl.predictProba(X.slice(0, 50));
    for (const row of probabilities) {
      expect(row).toHaveLength(2);
      expect((row[0] as number) + (row[1] as number)).toBeCloseTo(1, 12);
    }
    const predictions = automl.predict(X.slice(0, 50));
    predictions.forEach((label, index) => expect(label).toBe(((probabilities[index] as number[])[1] as number) > 0.5 ? 'Yes' : 'No'));
    // Column 1 is "Yes": churners score higher on average.
    const all = automl.predictProba(X);
    const meanFor = (label: string) => {
      const scores = all.filter((_, index) => y[index] === label).map((row) => row[1] as number);
      return scores.reduce((sum, score) => sum + score, 0) / scores.length;
    };
    expect(meanFor('Yes')).toBeGreaterThan(meanFor('No') + 0.1);
  });

  it.each([
    ['booleans', (label: string) => label === 'Yes', [false, true]],
    ['0/1 numbers', (label: string) => (label === 'Yes' ? 1 : 0), [0, 1]],
  ] as const)('orders %s like sklearn so column 1 is the positive class', async (_name, convert, expected) => {
    const toLabel: (label: string) => boolean | number = convert;
    const automl = await new AutoMLOrchestrator({ seed: 2, candidates: ['logistic-regression'], folds: 2 }).fit(
      X,
      y.map((label) => toLabel(label)),
    );
    expect(automl.classes).toEqual(expected);
    const scores = automl.predictProba(X).map((row) => row[1] as number);
    const churnerMean = scores.filter((_, index) => y[index] === 'Yes').reduce((sum, score) => sum + score, 0) / y.filter((label) => label === 'Yes').length;
    const stayerMean = scores.filter((_, index) => y[index] === 'No').reduce((sum, score) => sum + score, 0) / y.filter((label) => label === 'No').length;
    expect(churnerMean).toBeGreaterThan(stayerMean);
  });

  it('is deterministic for a seed and survives a JSON.stringify round trip', async () => {
    const first = await new AutoMLOrchestrator({ seed: 7, ...fastOptions }).fit(X, y);
    const second = await new AutoMLOrchestrator({ seed: 7, ...fastOptions }).fit(X, y);
    const probabilities = first.predictProba(X);
    expect(second.predictProba(X)).toEqual(probabilities);
    expect(second.leaderboard.map(({ fitTimeMs: _, ...rest }) => rest)).toEqual(first.leaderboard.map(({ fitTimeMs: _, ...rest }) => rest));

    const restored = AutoMLOrchestrator.fromJSON(JSON.stringify(first));
    expect(restored.predictProba(X)).toEqual(probabilities);
    expect(restored.predict(X)).toEqual(first.predict(X));
    expect(restored.bestModel).toBe(first.bestModel);
    expect(restored.classes).toEqual(first.classes);
    expect(restored.featureSummary).toEqual(first.featureSummary);
  });

  it('scores rows with unseen categories, missing columns and blanks', async () => {
    const automl = await new AutoMLOrchestrator({ seed: 1, ...fastOptions }).fit(X, y);
    const [scored] = automl.predictProba([{ contract: 'Three year', internet_service: 'Satellite', monthly_charges: '  1,070.5 ', total_charges: '' }, {}]);
    expect(scored).toHaveLength(2);
    for (const value of scored ?? []) expect(Number.isFinite(value)).toBe(true);
  });

  it('supports more than two classes with one-vs-rest probabilities', async () => {
    const plans = customers.map((customer) => customer.contract);
    const rows = withoutLabel(customers, 'contract');
    const automl = await new AutoMLOrchestrator({ seed: 3, ...fastOptions }).fit(rows, plans);
    expect(automl.classes).toEqual(['Month-to-month', 'One year', 'Two year']);
    const probabilities = automl.predictProba(rows.slice(0, 20));
    for (const row of probabilities) {
      expect(row).toHaveLength(3);
      expect(row.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 10);
    }
    expect(automl.leaderboard[0]?.rocAuc).toBeGreaterThan(0.6);
  });

  it('rejects bad input with clear errors', async () => {
    const automl = new AutoMLOrchestrator({ folds: 2 });
    await expect(automl.fit([], [])).rejects.toThrow(/X is empty/);
    await expect(automl.fit([{ a: 1 }, { a: 2 }], ['x'])).rejects.toThrow(/2 rows but y has 1 labels/);
    await expect(automl.fit([{ a: 1 }, { a: 2 }], ['x', 'x'])).rejects.toThrow(/single class/);
    await expect(automl.fit([{ a: 1 }, { a: 2 }, { a: 3 }], ['x', 'y', 'y'])).rejects.toThrow(/only one row/);
    await expect(automl.fit([{ a: 1 }, { a: Number.POSITIVE_INFINITY }, { a: 3 }, { a: 4 }], ['x', 'y', 'x', 'y'])).rejects.toThrow(AutoMLInputError);
    await expect(automl.fit([{ a: 1 }, { a: 2 }], [1, Number.NaN])).rejects.toThrow(/finite/);
    expect(() => new AutoMLOrchestrator({ folds: 1 })).toThrow(/folds/);
    expect(() => new AutoMLOrchestrator({ candidates: ['svm' as never] })).toThrow(/Unknown candidate/);
    expect(() => automl.predictProba([{ a: 1 }])).toThrow(AutoMLNotFittedError);
    expect(() => AutoMLOrchestrator.fromJSON('{"format":"other"}')).toThrow(/Not a saved/);
  });

  it('skips later candidates once the time budget is spent', async () => {
    const automl = await new AutoMLOrchestrator({ seed: 1, folds: 2, timeBudgetMs: 1e-6, candidates: ['logistic-regression', 'gradient-boosting'] }).fit(X, y);
    expect(automl.leaderboard.map((entry) => entry.model)).toEqual(['logistic-regression']);
    expect(automl.skippedCandidates).toEqual(['gradient-boosting']);
  });
});
