/** Where a job is; what the CLI prints and the dashboard streams. */
export type PipelineStage = 'read-training' | 'train' | 'read-scoring' | 'score' | 'write';

export type PipelineEvent =
  | { type: 'stage'; stage: PipelineStage; status: 'started' | 'done' | 'failed'; message: string }
  | { type: 'progress'; stage: string; done: number; total?: number }
  | { type: 'finished'; report: PipelineReport };

export interface PipelineReport {
  status: 'completed' | 'failed' | 'interrupted' | 'dry-run';
  leaderboard: Array<{ model: string; score: number; metric: string; warning?: string }>;
  predictions: { rows: number; segments: Record<string, number>; churnRiskHistogram: number[] };
  destination: {
    created: number;
    updated: number;
    unchanged?: number;
    failed: Array<{ index: number; reason: string }>;
    /** Dry run: a few of the changes, before and after. */
    sample?: Array<{ key: string; action: 'create' | 'update'; before?: Record<string, unknown>; after: Record<string, unknown> }>;
  };
  error?: { name: string; message: string; hint?: string };
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
