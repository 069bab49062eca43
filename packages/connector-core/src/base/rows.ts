import type { RowsInput } from '../contract/requests.js';
import type { Row } from '../contract/row.js';

/** Iterates rows given as an array, any iterable or an async iterable. */
export async function* iterateRows(rows: RowsInput): AsyncGenerator<Row> {
  yield* rows as AsyncIterable<Row>;
}

/**
 * Groups rows into batches of at most `size`, keeping each row's position in the input so a partial
 * failure can name exactly which input rows failed.
 */
export async function* batchRows(rows: RowsInput, size: number): AsyncGenerator<Array<{ index: number; row: Row }>> {
  const limit = Number.isFinite(size) && size > 0 ? Math.floor(size) : Number.MAX_SAFE_INTEGER;
  let batch: Array<{ index: number; row: Row }> = [];
  let index = 0;
  for await (const row of iterateRows(rows)) {
    batch.push({ index, row });
    index += 1;
    if (batch.length >= limit) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A cheap size estimate of rows as JSON, for the data-volume metric when the SDK hides the payload. */
export function estimateBytes(rows: readonly Row[]): number {
  let bytes = 0;
  for (const row of rows) {
    for (const key in row) {
      const value = row[key];
      bytes += key.length + 4;
      if (typeof value === 'string') bytes += value.length;
      else if (value instanceof Date) bytes += 24;
      else if (value !== null && typeof value === 'object') bytes += JSON.stringify(value).length;
      else bytes += 8;
    }
  }
  return bytes;
}

/** Collects pages into one array, stopping after `maxRows`. */
export async function collectPages(pages: AsyncIterable<Row[]>, maxRows = Number.POSITIVE_INFINITY): Promise<Row[]> {
  const rows: Row[] = [];
  if (maxRows <= 0) return rows;
  for await (const page of pages) {
    for (const row of page) {
      rows.push(row);
      if (rows.length >= maxRows) return rows;
    }
  }
  return rows;
}
