import type { ReadReport } from '../contract/requests.js';
import type { Row } from '../contract/row.js';
import { readAhead } from './read-ahead.js';

export interface ReadLoopOptions {
  maxRows: number;
  readAhead: number;
  /** The caller's signal merged with core's own (aborted when the consumer stops early). */
  signal: AbortSignal;
  /** Aborts the requests in flight when the consumer stops before the end. */
  stop: () => void;
  report: ReadReport;
  onPage: (rows: number) => void;
}

/**
 * Core's side of every read: pages read one ahead, cut at `maxRows` (the rest never requested),
 * metered, and ended with the caller's AbortError as soon as the signal fires.
 */
export async function* runReadLoop(pages: AsyncIterable<Row[]>, options: ReadLoopOptions): AsyncGenerator<Row[]> {
  const { report } = options;
  let remaining = options.maxRows;
  if (remaining <= 0) return;
  for await (const page of readAhead(pages, options.readAhead, options.stop)) {
    options.signal.throwIfAborted();
    if (page.length === 0) continue;
    const kept = page.length > remaining ? page.slice(0, remaining) : page;
    remaining -= kept.length;
    report.rows += kept.length;
    report.pages += 1;
    options.onPage(kept.length);
    if (remaining <= 0) {
      report.truncated = true;
      yield kept;
      options.stop();
      return;
    }
    yield kept;
  }
  // Cancelled after the last page arrived: still the caller's AbortError, never a quiet end.
  options.signal.throwIfAborted();
}
