import type { FeatureMatrix } from '../types.js';
import type { BinaryModel } from './binary-model.js';
import type { GradientBoostingJSON, GradientBoostingOptions } from './gradient-boosting.js';
import { GradientBoostingModel } from './gradient-boosting.js';
import type { LogisticRegressionJSON, LogisticRegressionOptions } from './logistic-regression.js';
import { LogisticRegressionModel } from './logistic-regression.js';

/** Model families the orchestrator can search over. */
export const CANDIDATE_NAMES = ['logistic-regression', 'gradient-boosting'] as const;
export type CandidateName = (typeof CANDIDATE_NAMES)[number];

export interface CandidateSettings {
  logisticRegression?: LogisticRegressionOptions;
  gradientBoosting?: Omit<GradientBoostingOptions, 'seed'>;
}

export function isCandidateName(value: unknown): value is CandidateName {
  return (CANDIDATE_NAMES as readonly unknown[]).includes(value);
}

export function fitBinaryCandidate(
  name: CandidateName,
  features: FeatureMatrix,
  labels: readonly number[],
  seed: number,
  settings: CandidateSettings,
): BinaryModel {
  switch (name) {
    case 'logistic-regression':
      return LogisticRegressionModel.fit(features, labels, settings.logisticRegression);
    case 'gradient-boosting':
      return GradientBoostingModel.fit(features, labels, { ...settings.gradientBoosting, seed });
  }
}

export function loadBinaryCandidate(name: CandidateName, json: unknown): BinaryModel {
  switch (name) {
    case 'logistic-regression':
      return LogisticRegressionModel.fromJSON(json as LogisticRegressionJSON);
    case 'gradient-boosting':
      return GradientBoostingModel.fromJSON(json as GradientBoostingJSON);
  }
}
