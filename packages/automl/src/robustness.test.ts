import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutoMLOrchestrator } from './automl-orchestrator.js';
import { generateChurnCustomers } from './datasets/synthetic-churn.js';
import { withoutLabel } from './datasets/without-label.js';
import type { SchemaDrift } from './preprocess/schema-drift.js';
import { TabularPreprocessor } from './preprocess/tabular-preprocessor.js';
import type { Row } from './types.js';

const customers = generateChurnCustomers({ count: 300, seed: 11 });
const X: Row[] = withoutLabel(customers, 'churned');
const y = customers.map((customer) => customer.churned);
const fast = { folds: 3, gradientBoosting: { maxIterations: 30 } } as const;

describe('AutoMLOrchestrator on hostile data', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fits through a 1e200 outlier: both candidates kept, still predictive, finite probabilities', async () => {
    const rows = X.map((row) => ({ ...row }));
    (rows[5] as Row).monthly_charges = 1e200;
    const automl = await new AutoMLOrchestrator(fast).fit(rows, y);
    expect(automl.leaderboard.map((entry) => [entry.model, entry.warning])).toEqual(
      expect.arrayContaining([
        ['logistic-regression', undefined],
        ['gradient-boosting', undefined],
      ]),
    );
    for (const entry of automl.leaderboard) expect(entry.rocAuc).toBeGreaterThan(0.6);
    // The outlier does not squash the other rows' charges into one value: they keep their spread.
    const preprocessor = TabularPreprocessor.fit(rows);
    const column = preprocessor.featureNames.indexOf('monthly_charges');
    const others = preprocessor
      .transform(rows)
      .filter((_, index) => index !== 5)
      .map((features) => features[column] as number);
    const mean = others.reduce((sum, value) => sum + value, 0) / others.length;
    expect(Math.sqrt(others.reduce((sum, value) => sum + (value - mean) ** 2, 0) / others.length)).toBeGreaterThan(0.5);
    const probabilities = automl.predictProba([...rows.slice(0, 20), { ...(rows[0] as Row), monthly_charges: -1e300 }]);
    expect(probabilities.flat().every(Number.isFinite)).toBe(true);
  });

  it('drops a candidate that fails on the data, keeps the others and says why in the leaderboard', async () => {
    // c = 1e-320 makes the penalty 1/c overflow to Infinity: the Newton system cannot be solved.
    const automl = await new AutoMLOrchestrator({ ...fast, logisticRegression: { c: 1e-320 } }).fit(X, y);
    expect(automl.bestModel).toBe('gradient-boosting');
    const failed = automl.leaderboard.find((entry) => entry.model === 'logistic-regression');
    expect(failed?.warning).toMatch(/failed and was left out/);
    expect(automl.leaderboard.at(-1)?.model).toBe('logistic-regression');
    // The warning survives a save and reload.
    const reloaded = AutoMLOrchestrator.fromJSON(JSON.stringify(automl));
    expect(reloaded.leaderboard.find((entry) => entry.model === 'logistic-regression')?.warning).toBe(failed?.warning);
    expect(Number.isNaN(reloaded.leaderboard.at(-1)?.rocAuc)).toBe(true);
  });

  it('warns on schema drift at predict time: a numeric column arriving as unparseable text, a missing column', async () => {
    const automl = await new AutoMLOrchestrator({ ...fast, candidates: ['logistic-regression'] }).fit(X, y);
    const drifted = X.slice(0, 10).map(({ support_calls: _dropped, ...row }, index) => ({
      ...row,
      monthly_charges: index < 4 ? `${String(row.monthly_charges)} EUR` : row.monthly_charges,
    }));
    const reported: SchemaDrift[] = [];
    automl.predictProba(drifted, { onSchemaDrift: (drift) => reported.push(...drift) });
    expect(reported).toEqual([
      { column: 'monthly_charges', expected: 'numeric', kind: 'unparseable', rows: 4, total: 10 },
      { column: 'support_calls', expected: 'numeric', kind: 'absent', rows: 10, total: 10 },
    ]);
    // Without a callback: one process warning per drifting column, not one per call.
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    automl.predict(drifted);
    automl.predict(drifted);
    expect(warnings).toHaveBeenCalledTimes(2);
    expect(String(warnings.mock.calls[0]?.[0])).toMatch(/column "monthly_charges" was numeric in training, but 4 of 10 rows/);
    expect(warnings.mock.calls[0]?.[1]).toMatchObject({ type: 'AutoMLSchemaDriftWarning' });
    // Clean rows: no drift.
    expect(automl.schemaDrift(X.slice(0, 10))).toEqual([]);
  });
});
