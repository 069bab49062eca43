import { describe, expect, it } from 'vitest';
import { AutoMLInputError } from '../errors.js';
import type { Row } from '../types.js';
import { TabularPreprocessor } from './tabular-preprocessor.js';

const training: Row[] = [
  { plan: 'Basic', charges: '10', paperless: true },
  { plan: 'Basic', charges: '20', paperless: false },
  { plan: 'Pro', charges: null, paperless: true },
  { plan: 'Pro', charges: '1,030', paperless: true },
  { plan: 'Rare', charges: '40', paperless: false },
];

function column(preprocessor: TabularPreprocessor, rows: Row[], name: string): number[] {
  const index = preprocessor.featureNames.indexOf(name);
  expect(index).toBeGreaterThanOrEqual(0);
  return preprocessor.transform(rows).map((features) => features[index] as number);
}

describe('TabularPreprocessor', () => {
  const preprocessor = TabularPreprocessor.fit(training, { minCategoryCount: 2 });

  it('one-hot encodes kept categories, caps rare ones into <other>, and adds missing indicators', () => {
    expect(preprocessor.featureNames).toEqual(['plan=Basic', 'plan=Pro', 'plan=<other>', 'charges', 'charges__missing', 'paperless']);
  });

  it('imputes the training median and standard-scales numeric columns', () => {
    // Training values 10, 20, 40, 1030 -> median 30; the blank becomes 30 before scaling.
    const imputed = [10, 20, 30, 1030, 40];
    const mean = imputed.reduce((sum, value) => sum + value, 0) / imputed.length;
    const deviation = Math.sqrt(imputed.reduce((sum, value) => sum + (value - mean) ** 2, 0) / imputed.length);
    const scaled = column(preprocessor, training, 'charges');
    imputed.forEach((value, index) => expect(scaled[index]).toBeCloseTo((value - mean) / deviation, 10));
    expect(column(preprocessor, training, 'charges__missing')).toEqual([0, 0, 1, 0, 0]);
  });

  it('maps unseen categories to <other> and unseen blanks to zeros instead of failing', () => {
    const [unseen, blank] = preprocessor.transform([
      { plan: 'Enterprise', charges: 'n/a' },
      { plan: null, charges: 5, paperless: 'garbage' },
    ]);
    expect(unseen?.slice(0, 3)).toEqual([0, 0, 1]);
    expect(unseen?.[4]).toBe(1);
    expect(blank?.slice(0, 3)).toEqual([0, 0, 0]);
    // Unparseable boolean falls back to the most frequent training value (true).
    expect(blank?.[5]).toBe(1);
  });

  it('learns only from the rows given to fit', () => {
    const later: Row[] = [{ plan: 'Enterprise', charges: '1000000', paperless: false }];
    const refitted = TabularPreprocessor.fit(training, { minCategoryCount: 2 });
    refitted.transform(later);
    expect(refitted.featureNames).toEqual(preprocessor.featureNames);
    expect(column(refitted, later, 'charges')).toEqual(column(preprocessor, later, 'charges'));
    const withLater = TabularPreprocessor.fit([...training, ...later], { minCategoryCount: 2 });
    expect(column(withLater, later, 'charges')).not.toEqual(column(preprocessor, later, 'charges'));
  });

  it('reports dropped columns and round-trips through JSON', () => {
    const rows: Row[] = Array.from({ length: 30 }, (_, index) => ({ email: `u${index}@x.io`, score: index % 4, when: new Date(Date.UTC(2024, 0, index + 1)) }));
    const fitted = TabularPreprocessor.fit(rows);
    expect(fitted.summary().droppedColumns).toEqual([{ name: 'email', reason: 'id-like' }]);
    expect(fitted.summary().columns.map((entry) => entry.type)).toEqual(['numeric', 'date']);
    const restored = TabularPreprocessor.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(restored.transform(rows)).toEqual(fitted.transform(rows));
  });

  it('rejects non-finite numbers with the row and column', () => {
    expect(() => TabularPreprocessor.fit([{ a: 1 }, { a: Number.POSITIVE_INFINITY }])).toThrow(/X\[1\]\["a"\] is Infinity/);
    expect(() => preprocessor.transform([{ charges: Number.NEGATIVE_INFINITY }])).toThrow(AutoMLInputError);
  });
});
