import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics/roc-auc.js';
import { SeededRandom } from '../random/seeded-random.js';
import { GradientBoostingModel } from './gradient-boosting.js';
import { LogisticRegressionModel } from './logistic-regression.js';

function linearData(count: number, seed: number): { features: number[][]; labels: number[] } {
  const random = new SeededRandom(seed);
  const features: number[][] = [];
  const labels: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const row = [random.nextGaussian(), random.nextGaussian(), random.next() < 0.3 ? 1 : 0];
    features.push(row);
    const logit = 0.5 + 1.5 * (row[0] as number) - (row[1] as number) + 0.8 * (row[2] as number);
    labels.push(random.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  return { features, labels };
}

describe('LogisticRegressionModel', () => {
  it('reaches the penalised optimum (gradient ~ 0), with an unpenalised intercept', () => {
    const { features, labels } = linearData(500, 1);
    const c = 0.5;
    const model = LogisticRegressionModel.fit(features, labels, { c });
    const probabilities = model.predictPositive(features);
    const gradient = [0, 0, 0, 0];
    features.forEach((row, index) => {
      const residual = (probabilities[index] as number) - (labels[index] as number);
      row.forEach((value, column) => (gradient[column] = (gradient[column] as number) + residual * value));
      gradient[3] = (gradient[3] as number) + residual;
    });
    model.weights.forEach((weight, column) => (gradient[column] = (gradient[column] as number) + weight / c));
    for (const component of gradient) expect(Math.abs(component)).toBeLessThan(1e-6);
    expect(model.weights[0]).toBeGreaterThan(1);
    expect(model.weights[1]).toBeLessThan(-0.5);
    expect(model.iterations).toBeLessThan(20);
  });

  it('stays finite on perfectly separable data thanks to the L2 penalty', () => {
    const features = [[-2], [-1], [1], [2]];
    const model = LogisticRegressionModel.fit(features, [0, 0, 1, 1]);
    expect(Number.isFinite(model.weights[0])).toBe(true);
    expect(model.predictPositive([[3]])[0]).toBeGreaterThan(0.5);
  });

  it('round-trips through JSON', () => {
    const { features, labels } = linearData(200, 2);
    const model = LogisticRegressionModel.fit(features, labels);
    const restored = LogisticRegressionModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.predictPositive(features)).toEqual(model.predictPositive(features));
  });
});

describe('GradientBoostingModel', () => {
  // An XOR pattern: no linear model can rank it, trees can.
  const random = new SeededRandom(5);
  const features = Array.from({ length: 800 }, () => [random.next() * 2 - 1, random.next() * 2 - 1, random.nextGaussian()]);
  const labels = features.map(([first, second]) =>
    (first as number) > 0 !== (second as number) > 0 ? (random.next() < 0.9 ? 1 : 0) : random.next() < 0.1 ? 1 : 0,
  );

  it('finds an interaction that logistic regression cannot', () => {
    const boosted = GradientBoostingModel.fit(features, labels, { seed: 1 });
    const linear = LogisticRegressionModel.fit(features, labels);
    expect(rocAuc(labels, boosted.predictPositive(features))).toBeGreaterThan(0.85);
    expect(rocAuc(labels, linear.predictPositive(features))).toBeLessThan(0.65);
  });

  it('is deterministic per seed and round-trips through JSON', () => {
    const first = GradientBoostingModel.fit(features, labels, { seed: 3, maxIterations: 40 });
    const second = GradientBoostingModel.fit(features, labels, { seed: 3, maxIterations: 40 });
    const other = GradientBoostingModel.fit(features, labels, { seed: 4, maxIterations: 40 });
    expect(second.predictPositive(features)).toEqual(first.predictPositive(features));
    expect(other.predictPositive(features)).not.toEqual(first.predictPositive(features));
    const restored = GradientBoostingModel.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    expect(restored.predictPositive(features)).toEqual(first.predictPositive(features));
  });
});
