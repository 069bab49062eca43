import { AutoMLModelError } from '../errors.js';
import { compareLabels } from '../labels/class-labels.js';
import { CANDIDATE_NAMES, type CandidateName, isCandidateName } from '../models/candidate-models.js';
import { numericWidth, type NumericEncoding } from '../preprocess/numeric-column-encoder.js';
import { oneHotWidth, type OneHotEncoding } from '../preprocess/one-hot-encoder.js';
import type { Label } from '../types.js';

/**
 * Checks that a saved model is one `toJSON` could have written before anything runs on it. The
 * dangerous cases are the quiet ones: a tree node pointing to itself makes prediction loop forever
 * (synchronously, so nothing can interrupt it), a reordered `classes` list inverts every predicted
 * label, a weight vector of the wrong length reads `undefined` and predicts NaN. Every index is
 * checked against its array, every tree is walked once from its root (acyclic, no shared nodes),
 * and the classes must be the sorted list fit produces, matching the model's class count.
 *
 * Hand-written rather than a schema library: most checks relate fields to each other (feature
 * counts, class counts, node indexes), which a shape schema cannot express, and the package keeps
 * its single dependency.
 */
export function validateSavedModel(data: unknown): void {
  const root = object(data, '$');
  const classes = validateClasses(root.classes);
  const featureCount = validatePreprocessor(object(root.preprocessor, '$.preprocessor'));
  const model = object(root.model, '$.model');
  const candidate = candidateName(model.candidate, '$.model.candidate');
  if (root.bestModel !== candidate) fail('$.bestModel', `is ${show(root.bestModel)} but the model is a ${candidate}`);
  validateLeaderboard(root.leaderboard, candidate);
  if (root.skippedCandidates !== undefined)
    array(root.skippedCandidates, '$.skippedCandidates').forEach((name, index) => candidateName(name, `$.skippedCandidates[${index}]`));
  const classCount = integer(model.classCount, '$.model.classCount', 2, Number.MAX_SAFE_INTEGER);
  if (classCount !== classes.length) fail('$.model.classCount', `is ${classCount} but classes lists ${classes.length} labels`);
  const models = array(model.models, '$.model.models');
  const expectedModels = classCount === 2 ? 1 : classCount;
  if (models.length !== expectedModels) fail('$.model.models', `holds ${models.length} models; ${classCount} classes need ${expectedModels}`);
  models.forEach((binary, index) => validateBinaryModel(candidate, binary, `$.model.models[${index}]`, featureCount));
}

function validateClasses(value: unknown): Label[] {
  const classes = array(value, '$.classes');
  if (classes.length < 2) fail('$.classes', 'needs at least two labels');
  const type = typeof classes[0];
  classes.forEach((label, index) => {
    const path = `$.classes[${index}]`;
    if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') fail(path, `is ${show(label)}, not a label`);
    if (typeof label !== type) fail(path, `is a ${typeof label}; every label must be a ${type}`);
    if (typeof label === 'number' && !Number.isFinite(label)) fail(path, 'is not a finite number');
  });
  const labels = classes as Label[];
  if (new Set(labels).size !== labels.length) fail('$.classes', 'lists a label twice');
  const sorted = [...labels].sort(compareLabels);
  if (sorted.some((label, index) => label !== labels[index])) {
    fail('$.classes', `is not in the sorted order fit writes (${sorted.map(show).join(', ')}); a reordered list would invert the predicted labels`);
  }
  return labels;
}

/** Returns the number of features the encodings produce. */
function validatePreprocessor(preprocessor: Record<string, unknown>): number {
  const encodings = array(preprocessor.encodings, '$.preprocessor.encodings');
  if (encodings.length === 0) fail('$.preprocessor.encodings', 'is empty');
  const columns = new Set<string>();
  let featureCount = 0;
  encodings.forEach((value, index) => {
    const path = `$.preprocessor.encodings[${index}]`;
    const entry = object(value, path);
    const encoding = object(entry.encoding, `${path}.encoding`);
    const column = string(encoding.column, `${path}.encoding.column`);
    if (columns.has(column)) fail(`${path}.encoding.column`, `encodes "${column}" a second time`);
    columns.add(column);
    if (entry.kind === 'numeric') featureCount += numericWidth(validateNumericEncoding(encoding, `${path}.encoding`));
    else if (entry.kind === 'one-hot') featureCount += oneHotWidth(validateOneHotEncoding(encoding, `${path}.encoding`));
    else fail(`${path}.kind`, `is ${show(entry.kind)}; expected "numeric" or "one-hot"`);
  });
  array(preprocessor.droppedColumns, '$.preprocessor.droppedColumns').forEach((value, index) => {
    const path = `$.preprocessor.droppedColumns[${index}]`;
    const dropped = object(value, path);
    string(dropped.name, `${path}.name`);
    oneOf(dropped.reason, ['empty', 'constant', 'id-like'], `${path}.reason`);
  });
  return featureCount;
}

function validateNumericEncoding(encoding: Record<string, unknown>, path: string): NumericEncoding {
  oneOf(encoding.type, ['numeric', 'date', 'boolean'], `${path}.type`);
  finite(encoding.fillValue, `${path}.fillValue`);
  finite(encoding.mean, `${path}.mean`);
  if (!(finite(encoding.scale, `${path}.scale`) > 0)) fail(`${path}.scale`, 'must be positive');
  boolean(encoding.missingIndicator, `${path}.missingIndicator`);
  if ((encoding.low === undefined) !== (encoding.high === undefined)) fail(path, 'has one clipping fence (low/high) without the other');
  if (encoding.low !== undefined && finite(encoding.low, `${path}.low`) > finite(encoding.high, `${path}.high`)) fail(`${path}.low`, 'is above high');
  return encoding as unknown as NumericEncoding;
}

function validateOneHotEncoding(encoding: Record<string, unknown>, path: string): OneHotEncoding {
  const categories = array(encoding.categories, `${path}.categories`).map((category, index) => string(category, `${path}.categories[${index}]`));
  if (new Set(categories).size !== categories.length) fail(`${path}.categories`, 'lists a category twice');
  boolean(encoding.hasOther, `${path}.hasOther`);
  boolean(encoding.hasMissing, `${path}.hasMissing`);
  return encoding as unknown as OneHotEncoding;
}

function validateLeaderboard(value: unknown, bestModel: CandidateName): void {
  const leaderboard = array(value, '$.leaderboard');
  leaderboard.forEach((item, index) => {
    const path = `$.leaderboard[${index}]`;
    const entry = object(item, path);
    candidateName(entry.model, `${path}.model`);
    // NaN metrics (a failed candidate) are written by JSON.stringify as null.
    for (const metric of ['rocAuc', 'accuracy', 'logLoss', 'fitTimeMs']) {
      const metricValue = entry[metric];
      if (metricValue !== null && typeof metricValue !== 'number') fail(`${path}.${metric}`, `is ${show(metricValue)}, not a number`);
    }
    if (entry.warning !== undefined) string(entry.warning, `${path}.warning`);
  });
  const best = leaderboard.find((item) => (item as { model?: unknown }).model === bestModel) as { warning?: unknown } | undefined;
  if (leaderboard.length > 0 && !best) fail('$.leaderboard', `does not list the best model ${bestModel}`);
  if (best?.warning !== undefined) fail('$.leaderboard', `marks the chosen model ${bestModel} as failed`);
}

function validateBinaryModel(candidate: CandidateName, value: unknown, path: string, featureCount: number): void {
  const model = object(value, path);
  if (candidate === 'logistic-regression') {
    const weights = array(model.weights, `${path}.weights`);
    if (weights.length !== featureCount) fail(`${path}.weights`, `holds ${weights.length} weights for ${featureCount} features`);
    weights.forEach((weight, index) => finite(weight, `${path}.weights[${index}]`));
    finite(model.intercept, `${path}.intercept`);
    integer(model.iterations, `${path}.iterations`, 0, Number.MAX_SAFE_INTEGER);
    return;
  }
  finite(model.initialScore, `${path}.initialScore`);
  array(model.trees, `${path}.trees`).forEach((tree, index) => validateTree(object(tree, `${path}.trees[${index}]`), `${path}.trees[${index}]`, featureCount));
}

/** Indexes in range, and every node reached exactly once from the root: evaluation always ends. */
function validateTree(tree: Record<string, unknown>, path: string, featureCount: number): void {
  const fields = ['feature', 'threshold', 'left', 'right', 'value'] as const;
  const arrays = Object.fromEntries(fields.map((field) => [field, array(tree[field], `${path}.${field}`)])) as Record<(typeof fields)[number], unknown[]>;
  const nodeCount = arrays.feature.length;
  if (nodeCount === 0) fail(`${path}.feature`, 'is empty: a tree needs a root');
  for (const field of fields) if (arrays[field].length !== nodeCount) fail(`${path}.${field}`, `holds ${arrays[field].length} entries for ${nodeCount} nodes`);
  const visited = new Uint8Array(nodeCount);
  const pending = [0];
  while (pending.length > 0) {
    const node = pending.pop() as number;
    if (visited[node]) fail(path, `node ${node} is reached twice (a cycle or a shared subtree): prediction would never end`);
    visited[node] = 1;
    const feature = integer(arrays.feature[node], `${path}.feature[${node}]`, -1, featureCount - 1);
    finite(arrays.value[node], `${path}.value[${node}]`);
    if (feature < 0) continue;
    finite(arrays.threshold[node], `${path}.threshold[${node}]`);
    pending.push(
      integer(arrays.right[node], `${path}.right[${node}]`, 0, nodeCount - 1),
      integer(arrays.left[node], `${path}.left[${node}]`, 0, nodeCount - 1),
    );
  }
}

function fail(path: string, problem: string): never {
  throw new AutoMLModelError(`Invalid saved model: ${path} ${problem}.`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, `is ${show(value)}, not an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `is ${show(value)}, not an array`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `is ${show(value)}, not a string`);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, `is ${show(value)}, not true or false`);
  return value;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `is ${show(value)}, not a finite number`);
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(path, `is ${show(value)}; expected an integer from ${min} to ${max}`);
  return value;
}

function oneOf(value: unknown, allowed: readonly string[], path: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(path, `is ${show(value)}; expected one of ${allowed.join(', ')}`);
}

function candidateName(value: unknown, path: string): CandidateName {
  if (!isCandidateName(value)) fail(path, `is ${show(value)}; expected one of ${CANDIDATE_NAMES.join(', ')}`);
  return value;
}
