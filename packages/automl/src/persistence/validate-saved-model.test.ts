import { beforeAll, describe, expect, it } from 'vitest';
import { AutoMLOrchestrator, type AutoMLOrchestratorJSON } from '../automl-orchestrator.js';
import { generateChurnCustomers } from '../datasets/synthetic-churn.js';
import { withoutLabel } from '../datasets/without-label.js';
import { AutoMLInputError, AutoMLModelError } from '../errors.js';
import type { GradientBoostingJSON } from '../models/gradient-boosting.js';
import type { LogisticRegressionJSON } from '../models/logistic-regression.js';

const customers = generateChurnCustomers({ count: 200, seed: 5 });
const X = withoutLabel(customers, 'churned');
const y = customers.map((customer) => customer.churned);

/** A deep copy of a saved model to tamper with. */
type Saved = AutoMLOrchestratorJSON;
let boosted: Saved;
let linear: Saved;

beforeAll(async () => {
  const options = { folds: 2, gradientBoosting: { maxIterations: 8, minSamplesLeaf: 5 } } as const;
  boosted = (await new AutoMLOrchestrator({ ...options, candidates: ['gradient-boosting'] }).fit(X, y)).toJSON();
  linear = (await new AutoMLOrchestrator({ ...options, candidates: ['logistic-regression'] }).fit(X, y)).toJSON();
});

const copy = (saved: Saved): Saved => structuredClone(saved);
const firstTree = (saved: Saved) => ((saved.model.models[0] as GradientBoostingJSON).trees as GradientBoostingJSON['trees'])[0]!;
/** The first split node of the first tree (the root, when it split). */
const splitNode = (saved: Saved) => firstTree(saved).feature.findIndex((feature) => feature >= 0);

describe('AutoMLOrchestrator.fromJSON validation', () => {
  it('loads what toJSON wrote, as text and as an object', () => {
    expect(AutoMLOrchestrator.fromJSON(JSON.stringify(boosted)).predictProba(X.slice(0, 3))).toHaveLength(3);
    expect(AutoMLOrchestrator.fromJSON(linear).predict(X.slice(0, 3))).toHaveLength(3);
  });

  it('refuses a tree node pointing to itself, which made predictProba loop forever', () => {
    const tampered = copy(boosted);
    const tree = firstTree(tampered);
    const node = splitNode(tampered);
    expect(node).toBeGreaterThanOrEqual(0);
    tree.left[node] = node;
    const error = (() => {
      try {
        AutoMLOrchestrator.fromJSON(tampered);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AutoMLModelError);
    expect(error).toBeInstanceOf(AutoMLInputError);
    expect((error as Error).message).toMatch(/trees\[0\] node \d+ is reached twice \(a cycle/);
  });

  it.each([
    [
      'a child index past the tree',
      (saved: Saved) => void (firstTree(saved).right[splitNode(saved)] = 10_000),
      /right\[\d+\] is 10000; expected an integer from 0/,
    ],
    ['a feature index past the features', (saved: Saved) => void (firstTree(saved).feature[splitNode(saved)] = 999), /feature\[\d+\] is 999/],
    ['a non-finite leaf value', (saved: Saved) => void (firstTree(saved).value[0] = Number.NaN), /value\[0\] is NaN, not a finite number/],
    ['arrays of different lengths', (saved: Saved) => void firstTree(saved).threshold.pop(), /threshold holds \d+ entries for \d+ nodes/],
    ['reordered classes (would invert labels)', (saved: Saved) => void saved.classes.reverse(), /\$\.classes is not in the sorted order .*invert/],
    ['a third class the model does not have', (saved: Saved) => void saved.classes.push('Zzz'), /classCount is 2 but classes lists 3 labels/],
    ['a duplicated class', (saved: Saved) => void (saved.classes[1] = saved.classes[0]!), /lists a label twice/],
    [
      'a best model that is not the model',
      (saved: Saved) => void (saved.bestModel = 'logistic-regression'),
      /bestModel is "logistic-regression" but the model is a gradient-boosting/,
    ],
    [
      'a zero scale',
      (saved: Saved) => void ((saved.preprocessor.encodings.find((entry) => entry.kind === 'numeric')!.encoding as { scale: number }).scale = 0),
      /scale must be positive/,
    ],
    ['an unknown encoding kind', (saved: Saved) => void ((saved.preprocessor.encodings[0] as { kind: string }).kind = 'hash'), /kind is "hash"/],
    ['a missing model', (saved: Saved) => void delete (saved as Partial<Saved>).model, /\$\.model is missing, not an object/],
    ['bad options', (saved: Saved) => void (saved.options.folds = 1), /\$\.options: folds must be an integer >= 2/],
  ])('refuses %s with a clear error', (_, tamper, message) => {
    const tampered = copy(boosted);
    tamper(tampered);
    expect(() => AutoMLOrchestrator.fromJSON(tampered)).toThrow(message);
  });

  it('refuses logistic weights that do not match the features', () => {
    const tampered = copy(linear);
    (tampered.model.models[0] as LogisticRegressionJSON).weights.pop();
    expect(() => AutoMLOrchestrator.fromJSON(tampered)).toThrow(/weights holds \d+ weights for \d+ features/);
  });

  it('refuses text that is not JSON with an AutoMLModelError', () => {
    expect(() => AutoMLOrchestrator.fromJSON('{"format":')).toThrow(AutoMLModelError);
  });
});
