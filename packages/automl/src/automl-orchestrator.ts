import { AutoMLInputError, AutoMLModelError, AutoMLNotFittedError } from './errors.js';
import { validateSavedModel } from './persistence/validate-saved-model.js';
import { encodeLabels, sortedClasses } from './labels/class-labels.js';
import { accuracy, argMax } from './metrics/accuracy.js';
import { logLoss } from './metrics/log-loss.js';
import { rocAucFromProbabilities } from './metrics/roc-auc.js';
import type { CandidateName, CandidateSettings } from './models/candidate-models.js';
import { CANDIDATE_NAMES, isCandidateName } from './models/candidate-models.js';
import type { GradientBoostingOptions } from './models/gradient-boosting.js';
import type { LogisticRegressionOptions } from './models/logistic-regression.js';
import type { OneVsRestClassifierJSON } from './models/one-vs-rest-classifier.js';
import { OneVsRestClassifier } from './models/one-vs-rest-classifier.js';
import type { FeatureSummary, PreprocessorOptions, TabularPreprocessorJSON } from './preprocess/tabular-preprocessor.js';
import { TabularPreprocessor } from './preprocess/tabular-preprocessor.js';
import { describeSchemaDrift, type SchemaDrift } from './preprocess/schema-drift.js';
import { SeededRandom } from './random/seeded-random.js';
import type { Label, Row } from './types.js';
import { stratifiedKFold } from './validation/stratified-k-fold.js';

export interface AutoMLOptions {
  /** Seeds fold assignment and every model; same seed + same data = identical predictions. Default 42. */
  seed?: number;
  /** Stratified cross-validation folds (lowered to the smallest class count when a class is tiny). Default 5. */
  folds?: number;
  /** Model families to compare. Default: ['logistic-regression', 'gradient-boosting']. */
  candidates?: CandidateName[];
  /**
   * Soft budget for the search in milliseconds: once spent, candidates not yet started are skipped
   * (listed in skippedCandidates). The first candidate always runs. Default: none.
   */
  timeBudgetMs?: number;
  preprocessing?: PreprocessorOptions;
  logisticRegression?: LogisticRegressionOptions;
  gradientBoosting?: Omit<GradientBoostingOptions, 'seed'>;
}

export interface LeaderboardEntry {
  model: CandidateName;
  /** Mean over folds of held-out ROC AUC (macro one-vs-rest for more than two classes). */
  rocAuc: number;
  accuracy: number;
  logLoss: number;
  /** Mean wall time per fold to learn the preprocessing and fit the model. */
  fitTimeMs: number;
  /**
   * Set when the candidate failed (a numeric failure on this data): it is ranked last with NaN
   * metrics and never chosen, and the other candidates are kept.
   */
  warning?: string;
}

export interface AutoMLOrchestratorJSON {
  format: 'automl-orchestrator';
  version: 1;
  options: ResolvedOptions;
  classes: Label[];
  bestModel: CandidateName;
  leaderboard: LeaderboardEntry[];
  skippedCandidates: CandidateName[];
  preprocessor: TabularPreprocessorJSON;
  model: OneVsRestClassifierJSON;
}

export interface PredictOptions {
  /**
   * Receives the columns whose values no longer look like training's (schema drift: a numeric column
   * arriving as unparseable text, a column missing). Without it, each drifting column is reported
   * once per model with process.emitWarning (type 'AutoMLSchemaDriftWarning').
   */
  onSchemaDrift?: (drift: SchemaDrift[]) => void;
}

type ResolvedOptions = Required<Omit<AutoMLOptions, 'timeBudgetMs'>> & { timeBudgetMs: number | null };

interface FittedState {
  classes: Label[];
  bestModel: CandidateName;
  leaderboard: LeaderboardEntry[];
  skippedCandidates: CandidateName[];
  preprocessor: TabularPreprocessor;
  model: OneVsRestClassifier;
}

/**
 * Learns a classifier from spreadsheet-like rows: infers column types, compares candidate models
 * by stratified cross-validated ROC AUC (preprocessing refitted inside every fold, so no
 * held-out row leaks into it), then refits the winner on all rows.
 */
export class AutoMLOrchestrator {
  private readonly options: ResolvedOptions;
  private state: FittedState | undefined;

  constructor(options: AutoMLOptions = {}) {
    this.options = resolveOptions(options);
  }

  /**
   * Trains on rows X with labels y. Async so the cross-validation loop yields to the event loop
   * between folds (a server or UI stays responsive); await it before predicting.
   */
  async fit(X: readonly Row[], y: ReadonlyArray<string | number | boolean>): Promise<this> {
    if (!Array.isArray(X) || X.length === 0) throw new AutoMLInputError('X is empty: fit needs at least one row per class.');
    if (!Array.isArray(y)) throw new AutoMLInputError('y must be an array of labels.');
    if (X.length !== y.length) throw new AutoMLInputError(`X has ${X.length} rows but y has ${y.length} labels; they must match.`);
    const classes = sortedClasses(y);
    if (classes.length < 2) {
      throw new AutoMLInputError(`y has a single class (${String(classes[0])}); a classifier needs at least two.`);
    }
    const classIndices = encodeLabels(y as Label[], classes);
    const classCounts = classes.map((_, index) => classIndices.filter((value) => value === index).length);
    const smallestClass = Math.min(...classCounts);
    if (smallestClass < 2) {
      const rare = classes[classCounts.indexOf(smallestClass)];
      throw new AutoMLInputError(`Class ${String(rare)} has only one row; cross-validation needs at least two rows per class.`);
    }
    // Fitting the final preprocessing first validates every cell (e.g. Infinity) before spending time on CV.
    const finalPreprocessor = TabularPreprocessor.fit(X, this.options.preprocessing);

    const random = new SeededRandom(this.options.seed);
    const foldSeed = random.nextSeed();
    const folds = stratifiedKFold(classIndices, Math.min(this.options.folds, smallestClass), foldSeed);
    const settings: CandidateSettings = { logisticRegression: this.options.logisticRegression, gradientBoosting: this.options.gradientBoosting };
    const started = performance.now();
    const leaderboard: LeaderboardEntry[] = [];
    const skippedCandidates: CandidateName[] = [];

    for (const candidate of this.options.candidates) {
      const modelSeed = random.nextSeed();
      const budget = this.options.timeBudgetMs;
      if (leaderboard.length > 0 && budget !== null && performance.now() - started > budget) {
        skippedCandidates.push(candidate);
        continue;
      }
      try {
        leaderboard.push(await this.crossValidate(candidate, X, classIndices, classes.length, folds, modelSeed, settings));
      } catch (error) {
        // One family failing on this data (e.g. a singular system) must not sink the search.
        leaderboard.push({
          model: candidate,
          rocAuc: Number.NaN,
          accuracy: Number.NaN,
          logLoss: Number.NaN,
          fitTimeMs: 0,
          warning: `failed and was left out: ${failureMessage(error)}`,
        });
      }
    }
    // Best first; ties keep the earlier (simpler) candidate because sort is stable. Failed ones last.
    leaderboard.sort((left, right) => rankable(right.rocAuc) - rankable(left.rocAuc));
    await yieldToEventLoop();
    const finalFeatures = finalPreprocessor.transform(X);
    let best: LeaderboardEntry | undefined;
    let model: OneVsRestClassifier | undefined;
    for (const entry of leaderboard) {
      if (entry.warning) continue;
      try {
        model = OneVsRestClassifier.fit(
          entry.model,
          finalFeatures,
          classIndices,
          classes.length,
          // Same seed the candidate had in CV, so the refit behaves like the evaluated configuration.
          deriveCandidateSeed(this.options.seed, this.options.candidates.indexOf(entry.model)),
          settings,
        );
        best = entry;
        break;
      } catch (error) {
        entry.warning = `failed when refitted on all rows and was left out: ${failureMessage(error)}`;
      }
    }
    if (!best || !model) {
      const reasons = leaderboard.map((entry) => `${entry.model}: ${entry.warning ?? 'skipped'}`).join('; ');
      throw new AutoMLInputError(`Every candidate model failed on this data (${reasons}). Check for extreme or constant columns.`);
    }
    this.state = { classes, bestModel: best.model, leaderboard, skippedCandidates, preprocessor: finalPreprocessor, model };
    return this;
  }

  /** Mean held-out metrics of one candidate over the folds (preprocessing refitted per fold). */
  private async crossValidate(
    candidate: CandidateName,
    X: readonly Row[],
    classIndices: readonly number[],
    classCount: number,
    folds: ReturnType<typeof stratifiedKFold>,
    modelSeed: number,
    settings: CandidateSettings,
  ): Promise<LeaderboardEntry> {
    const foldScores = { rocAuc: 0, accuracy: 0, logLoss: 0, fitTimeMs: 0 };
    for (const fold of folds) {
      await yieldToEventLoop();
      const fitStarted = performance.now();
      const trainRows = fold.trainIndices.map((row) => X[row] as Row);
      const preprocessor = TabularPreprocessor.fit(trainRows, this.options.preprocessing);
      const model = OneVsRestClassifier.fit(
        candidate,
        preprocessor.transform(trainRows),
        fold.trainIndices.map((row) => classIndices[row] as number),
        classCount,
        modelSeed,
        settings,
      );
      foldScores.fitTimeMs += performance.now() - fitStarted;
      const probabilities = model.predictProba(preprocessor.transform(fold.testIndices.map((row) => X[row] as Row)));
      const truth = fold.testIndices.map((row) => classIndices[row] as number);
      foldScores.rocAuc += rocAucFromProbabilities(truth, probabilities);
      foldScores.accuracy += accuracy(truth, probabilities);
      foldScores.logLoss += logLoss(truth, probabilities);
    }
    return {
      model: candidate,
      rocAuc: foldScores.rocAuc / folds.length,
      accuracy: foldScores.accuracy / folds.length,
      logLoss: foldScores.logLoss / folds.length,
      fitTimeMs: foldScores.fitTimeMs / folds.length,
    };
  }

  /** Probabilities per row; column j is the probability of classes[j] (sorted like sklearn's classes_). */
  predictProba(rows: readonly Row[], options: PredictOptions = {}): number[][] {
    const state = this.fitted();
    if (!Array.isArray(rows)) throw new AutoMLInputError('rows must be an array of objects.');
    if (rows.length === 0) return [];
    const features = state.preprocessor.transform(rows);
    this.reportSchemaDrift(state.preprocessor.schemaDrift(rows), options);
    return state.model.predictProba(features);
  }

  /** Most probable label per row (ties go to the earlier class). */
  predict(rows: readonly Row[], options: PredictOptions = {}): Label[] {
    const classes = this.fitted().classes;
    return this.predictProba(rows, options).map((probabilities) => classes[argMax(probabilities)] as Label);
  }

  /** Columns whose values in `rows` no longer look like training's, without predicting. */
  schemaDrift(rows: readonly Row[]): SchemaDrift[] {
    return this.fitted().preprocessor.schemaDrift(rows);
  }

  private readonly warnedDrift = new Set<string>();

  private reportSchemaDrift(drift: SchemaDrift[], options: PredictOptions): void {
    if (drift.length === 0) return;
    if (options.onSchemaDrift) {
      options.onSchemaDrift(drift);
      return;
    }
    for (const entry of drift) {
      const key = `${entry.column}\u0000${entry.kind}`;
      if (this.warnedDrift.has(key)) continue;
      this.warnedDrift.add(key);
      globalThis.process?.emitWarning(`AutoML schema drift: ${describeSchemaDrift(entry)}.`, { type: 'AutoMLSchemaDriftWarning', code: 'AUTOML_SCHEMA_DRIFT' });
    }
  }

  get classes(): Label[] {
    return [...this.fitted().classes];
  }

  get bestModel(): CandidateName {
    return this.fitted().bestModel;
  }

  /** Candidates with cross-validated metrics, best ROC AUC first. */
  get leaderboard(): LeaderboardEntry[] {
    return this.fitted().leaderboard.map((entry) => ({ ...entry }));
  }

  /** Candidates not evaluated because timeBudgetMs ran out. */
  get skippedCandidates(): CandidateName[] {
    return [...this.fitted().skippedCandidates];
  }

  /** How columns became features, including dropped columns (ids, emails, constants) and why. */
  get featureSummary(): FeatureSummary {
    return this.fitted().preprocessor.summary();
  }

  get droppedColumns(): FeatureSummary['droppedColumns'] {
    return this.featureSummary.droppedColumns;
  }

  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** Plain JSON (safe for JSON.stringify); fromJSON of it predicts identically. */
  toJSON(): AutoMLOrchestratorJSON {
    const state = this.fitted();
    return {
      format: 'automl-orchestrator',
      version: 1,
      options: structuredClone(this.options),
      classes: [...state.classes],
      bestModel: state.bestModel,
      leaderboard: this.leaderboard,
      skippedCandidates: [...state.skippedCandidates],
      preprocessor: state.preprocessor.toJSON(),
      model: state.model.toJSON(),
    };
  }

  /**
   * Restores a model from toJSON() output or its JSON.stringify text. The model is validated first
   * (structure, indexes, acyclic trees, classes consistent with the model): anything toJSON could
   * not have written fails with an AutoMLModelError naming the offending path.
   */
  static fromJSON(json: AutoMLOrchestratorJSON | string): AutoMLOrchestrator {
    let data: AutoMLOrchestratorJSON;
    try {
      data = (typeof json === 'string' ? JSON.parse(json) : json) as AutoMLOrchestratorJSON;
    } catch (error) {
      throw new AutoMLModelError(`Invalid saved model: not JSON (${(error as Error).message}).`);
    }
    if (data?.format !== 'automl-orchestrator' || data.version !== 1) {
      throw new AutoMLModelError('Not a saved AutoMLOrchestrator (expected format "automl-orchestrator", version 1).');
    }
    validateSavedModel(data);
    if (data.options === null || typeof data.options !== 'object') throw new AutoMLModelError('Invalid saved model: $.options is not an object.');
    const { timeBudgetMs, ...rest } = data.options;
    let orchestrator: AutoMLOrchestrator;
    try {
      orchestrator = new AutoMLOrchestrator(timeBudgetMs === null ? rest : { ...rest, timeBudgetMs });
    } catch (error) {
      throw new AutoMLModelError(`Invalid saved model: $.options: ${(error as Error).message}`);
    }
    orchestrator.state = {
      classes: [...data.classes],
      bestModel: data.bestModel,
      leaderboard: data.leaderboard.map((entry) => ({
        ...entry,
        // JSON.stringify writes a failed candidate's NaN metrics as null.
        rocAuc: entry.rocAuc ?? Number.NaN,
        accuracy: entry.accuracy ?? Number.NaN,
        logLoss: entry.logLoss ?? Number.NaN,
        fitTimeMs: entry.fitTimeMs ?? Number.NaN,
      })),
      skippedCandidates: [...(data.skippedCandidates ?? [])],
      preprocessor: TabularPreprocessor.fromJSON(data.preprocessor),
      model: OneVsRestClassifier.fromJSON(data.model),
    };
    return orchestrator;
  }

  private fitted(): FittedState {
    if (!this.state) throw new AutoMLNotFittedError('AutoMLOrchestrator is not fitted yet: await fit(X, y) first.');
    return this.state;
  }
}

function resolveOptions(options: AutoMLOptions): ResolvedOptions {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new AutoMLInputError(`folds must be an integer >= 2, got ${String(folds)}.`);
  const seed = options.seed ?? 42;
  if (!Number.isFinite(seed)) throw new AutoMLInputError(`seed must be a finite number, got ${String(seed)}.`);
  const candidates = options.candidates ?? [...CANDIDATE_NAMES];
  if (candidates.length === 0) throw new AutoMLInputError('candidates must name at least one model.');
  for (const candidate of candidates) {
    if (!isCandidateName(candidate)) {
      throw new AutoMLInputError(`Unknown candidate model "${String(candidate)}"; choose from ${CANDIDATE_NAMES.join(', ')}.`);
    }
  }
  const timeBudgetMs = options.timeBudgetMs ?? null;
  if (timeBudgetMs !== null && !(timeBudgetMs > 0)) throw new AutoMLInputError('timeBudgetMs must be a positive number of milliseconds.');
  return {
    seed,
    folds,
    candidates: [...new Set(candidates)],
    timeBudgetMs,
    preprocessing: { ...options.preprocessing },
    logisticRegression: { ...options.logisticRegression },
    gradientBoosting: { ...options.gradientBoosting },
  };
}

/** Seed for the candidate at a position; fixed per (seed, position) so CV and refit agree. */
function deriveCandidateSeed(seed: number, position: number): number {
  const random = new SeededRandom(seed);
  random.nextSeed(); // the fold seed
  let candidateSeed = 0;
  for (let index = 0; index <= position; index += 1) candidateSeed = random.nextSeed();
  return candidateSeed;
}

/** Why a candidate failed; input errors (bad cells) are the user's to fix and are rethrown, not hidden. */
function failureMessage(error: unknown): string {
  if (error instanceof AutoMLInputError) throw error;
  return error instanceof Error ? error.message : String(error);
}

function rankable(value: number): number {
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
