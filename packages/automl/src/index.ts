export { AutoMLOrchestrator } from './automl-orchestrator.js';
export type { AutoMLOptions, AutoMLOrchestratorJSON, LeaderboardEntry, PredictOptions } from './automl-orchestrator.js';
export type { SchemaDrift } from './preprocess/schema-drift.js';
export { AutoMLInputError, AutoMLModelError, AutoMLNotFittedError } from './errors.js';
export type { FeatureMatrix, Label, Row } from './types.js';

export { generateChurnCustomers } from './datasets/synthetic-churn.js';
export type { ChurnCustomer, GenerateChurnCustomersOptions } from './datasets/synthetic-churn.js';
export { withoutLabel } from './datasets/without-label.js';

export { TabularPreprocessor } from './preprocess/tabular-preprocessor.js';
export type { FeatureSummary, PreprocessorOptions, TabularPreprocessorJSON } from './preprocess/tabular-preprocessor.js';
export { inferColumnTypes } from './preprocess/infer-column-types.js';
export type { ColumnType, ColumnTypeInference, DropReason, InferColumnTypesOptions } from './preprocess/infer-column-types.js';
export { parseNumericString } from './preprocess/parse-numeric-string.js';

export { CANDIDATE_NAMES } from './models/candidate-models.js';
export type { CandidateName } from './models/candidate-models.js';
export { LogisticRegressionModel } from './models/logistic-regression.js';
export type { LogisticRegressionJSON, LogisticRegressionOptions } from './models/logistic-regression.js';
export { GradientBoostingModel } from './models/gradient-boosting.js';
export type { GradientBoostingJSON, GradientBoostingOptions } from './models/gradient-boosting.js';

export { stratifiedKFold } from './validation/stratified-k-fold.js';
export type { Fold } from './validation/stratified-k-fold.js';
export { stratifiedTrainTestSplit } from './validation/stratified-train-test-split.js';
export { rocAuc } from './metrics/roc-auc.js';
export { logLoss } from './metrics/log-loss.js';
export { accuracy } from './metrics/accuracy.js';
export { sortedClasses } from './labels/class-labels.js';
