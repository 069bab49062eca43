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
  readonly #signal: AbortSignal | undefined;
  #index = 0;
  /** The stage running or last started: where an interruption happened. */
  current: StageName | undefined;

  /** `signal` interrupts the run: no stage starts after it aborts, and a running stage ends at once unless it handles the signal itself. */
  constructor(write: Write, totalStages: number, signal?: AbortSignal) {
    this.#write = write;
    this.#total = totalStages;
    this.#signal = signal;
  }

  /**
   * Runs one stage. With `cooperative`, the stage is not cut short when the signal aborts: it
   * watches the signal itself and ends cleanly with what it did (a write stops sending and returns
   * what landed, which a cut-short promise would lose).
   */
  async run<T>(stage: StageName, label: string, work: () => Promise<T>, summary: (result: T) => string, options: { cooperative?: boolean } = {}): Promise<T> {
    this.#signal?.throwIfAborted();
    this.current = stage;
    this.#index += 1;
    this.#write(`[${this.#index}/${this.#total}] ${label} ... `);
    const started = performance.now();
    try {
      const result = await (options.cooperative ? work() : untilAborted(work(), this.#signal));
      const elapsed = performance.now() - started;
      this.durationsMs[stage] = Math.round(elapsed);
      this.#write(`${summary(result)} (${formatDuration(elapsed)})\n`);
      return result;
    } catch (error) {
      const elapsed = performance.now() - started;
      this.durationsMs[stage] = Math.round(elapsed);
      this.#write(`${this.#signal?.aborted ? 'interrupted' : 'failed'} (${formatDuration(elapsed)})\n`);
      throw new StageFailure(stage, error);
    }
  }

  /**
   * A stage that runs elsewhere (in @automl/pipeline's job) and tells its start and end: prints the
   * same `[n/total] label ... ` line as `run`, then `finish` or `fail` completes it.
   */
  start(stage: StageName, label: string): void {
    this.current = stage;
    this.#index += 1;
    this.#write(`[${this.#index}/${this.#total}] ${label} ... `);
  }

  /** The started stage ended: its summary and wall time on its line. */
  finish(stage: StageName, summary: string, elapsedMs: number): void {
    this.durationsMs[stage] = Math.round(elapsedMs);
    this.#write(`${summary} (${formatDuration(elapsedMs)})\n`);
  }

  /** The started stage failed or was interrupted; `summary` tells what it did before (a write's counts). */
  fail(stage: StageName, elapsedMs: number, summary?: string): void {
    this.durationsMs[stage] = Math.round(elapsedMs);
    this.#write(`${summary ?? (this.#signal?.aborted ? 'interrupted' : 'failed')} (${formatDuration(elapsedMs)})\n`);
  }

  /** A line of detail under the current stage (a table row, a failed row's reason). */
  detail(text: string): void {
    this.#write(`      ${text}\n`);
  }
}

/** Settles like `work`, or rejects with the signal's reason as soon as it aborts (the work is left to finish in the background). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
