import type { StageName } from './run-report.js';

/** Where the demo's human output goes: stdout in the CLI, a buffer in tests. */
export type Write = (text: string) => void;

/** A stage that threw: carries which stage, so the report and the message can name it. */
export class StageFailure extends Error {
  readonly stage: StageName;
  constructor(stage: StageName, cause: unknown) {
    super(`${stage} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StageFailure';
    this.stage = stage;
  }
}

export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

/**
 * Runs the pipeline's stages one after the other, telling the user what is happening: a
 * `[n/total] label ...` line when a stage starts, then its summary and wall time on the same line.
 * Records each stage's duration for the run report.
 */
export class StageProgress {
  readonly durationsMs: Partial<Record<StageName, number>> = {};
  readonly #write: Write;
  readonly #total: number;
  #index = 0;

  constructor(write: Write, totalStages: number) {
    this.#write = write;
    this.#total = totalStages;
  }

  async run<T>(stage: StageName, label: string, work: () => Promise<T>, summary: (result: T) => string): Promise<T> {
    this.#index += 1;
    this.#write(`[${this.#index}/${this.#total}] ${label} ... `);
    const started = performance.now();
    try {
      const result = await work();
      const elapsed = performance.now() - started;
      this.durationsMs[stage] = Math.round(elapsed);
      this.#write(`${summary(result)} (${formatDuration(elapsed)})\n`);
      return result;
    } catch (error) {
      const elapsed = performance.now() - started;
      this.durationsMs[stage] = Math.round(elapsed);
      this.#write(`failed (${formatDuration(elapsed)})\n`);
      throw new StageFailure(stage, error);
    }
  }

  /** A line of detail under the current stage (a table row, a failed row's reason). */
  detail(text: string): void {
    this.#write(`      ${text}\n`);
  }
}
