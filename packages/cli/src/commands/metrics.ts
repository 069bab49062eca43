import type { CliContext } from '../cli-context.js';

/** The Prometheus text of the last run's metrics (requests, latency, errors, rows, bytes, retries). */
export function metricsCommand(context: CliContext): number {
  const text = context.lastMetrics();
  if (!text) {
    context.output.err('No metrics yet: they are saved by each check, read, write or pipeline run.\n');
    return 1;
  }
  context.output.out(text);
  return 0;
}
