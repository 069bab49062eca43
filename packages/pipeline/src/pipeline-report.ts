import type { LeaderboardEntry, SchemaDrift } from '@automl/automl';

/** Where a job is; what the CLI prints and the dashboard streams. */
export type PipelineStage = 'read-training' | 'train' | 'read-scoring' | 'score' | 'write';

export type PipelineEvent =
  | {
      type: 'stage';
      stage: PipelineStage;
      status: 'started' | 'done' | 'failed';
      message: string;
      /** Done and failed: the stage's wall time. */
      durationMs?: number;
    }
  | { type: 'progress'; stage: string; done: number; total?: number }
  | { type: 'finished'; report: PipelineReport };

/** What one source read: its rows and the columns they have (in first-seen order). */
export interface PipelineSourceReport {
  connection: string;
  table?: string;
  query?: string;
  rows: number;
  columns: string[];
}

export interface PipelineReport {
  status: 'completed' | 'failed' | 'interrupted' | 'dry-run';
  leaderboard: Array<{ model: string; score: number; metric: string; warning?: string }>;
  /** The sources as read (set stage by stage, kept when a later stage fails). */
  sources?: {
    training?: PipelineSourceReport & { labelled: number; unlabeledRowsSkipped: number };
    scoring?: PipelineSourceReport;
  };
  /** The model trained: every candidate's cross-validated scores, the columns it did not use. */
  model?: {
    best: string;
    classes: Array<string | number | boolean>;
    trainingRows: number;
    droppedColumns: Array<{ name: string; reason: string }>;
    leaderboard: LeaderboardEntry[];
  };
  predictions: {
    rows: number;
    segments: Record<string, number>;
    churnRiskHistogram: number[];
    /** Mean churn_risk over the scored rows (4 decimals); absent when none was scored. */
    meanChurnRisk?: number;
    /** Columns of the scoring rows that no longer look like training's (imputed): absent when none. */
    schemaDrift?: SchemaDrift[];
  };
  destination: {
    created: number;
    updated: number;
    unchanged?: number;
    failed: Array<{ index: number; reason: string; code?: string; key?: string | null }>;
    /** Dry run: a few of the changes, before and after. */
    sample?: Array<{ key: string; action: 'create' | 'update'; before?: Record<string, unknown>; after: Record<string, unknown> }>;
    /** A write: rows handed to the destination, and rows it holds from this run. */
    received?: number;
    written?: number;
    /** Rows never handed to the destination because the job was interrupted (absent when all were). */
    notSent?: number;
    /** What the destination's connector warned of during the write (absent when nothing). */
    warnings?: Array<{ code: string; message: string }>;
  };
  error?: { name: string; message: string; hint?: string; stage?: PipelineStage };
  /** Wall time of each stage that ran. */
  durationsMs?: Partial<Record<PipelineStage, number>>;
  startedAt: string;
  finishedAt: string;
}

/** Ten bins over [0, 1]: what the dashboard draws of churn_risk. */
export function histogram(values: readonly number[], bins = 10): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(value * bins)));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

export function emptyReport(): PipelineReport {
  const now = new Date().toISOString();
  return {
    status: 'failed',
    leaderboard: [],
    predictions: { rows: 0, segments: { Low: 0, Medium: 0, High: 0 }, churnRiskHistogram: histogram([]) },
    destination: { created: 0, updated: 0, failed: [] },
    startedAt: now,
    finishedAt: now,
  };
}
