import { type Field, RecordBatchReader } from 'apache-arrow';
import type { ColumnRowSet } from './convert-column-rowset.js';
import type { DriverOperation } from './databricks-statements.js';
import type { ThriftColumn } from './thrift-value.js';

/** What the driver's Arrow result handler gives per fetch: IPC messages (the schema first) and the rows the warehouse announced. */
export interface ArrowBatches {
  batches: Uint8Array[];
  rowCount: number;
}

/**
 * A source under the driver's `fetchChunk`: `fetchNext` asks the warehouse for up to `limit` rows
 * (the first come with the statement's answer). For CloudFetch it is the driver's downloader: it
 * fetches the result files a few at a time and hands over one file per call.
 */
interface ResultSource<T> {
  hasMore(): Promise<boolean>;
  fetchNext(options: { limit: number }): Promise<T>;
}

/** A finished statement's result, as the warehouse sent it, with its columns in position order and their Thrift types. */
export type DriverResult =
  | { format: 'arrow'; source: ResultSource<ArrowBatches>; columns: ThriftColumn[]; fields: Field[] }
  | { format: 'columns'; source: ResultSource<ColumnRowSet | undefined>; columns: ThriftColumn[] };

interface ResultSchema {
  columns: Array<{ columnName: string; position: number; typeDesc?: { types?: Array<{ primitiveEntry?: { type?: number } }> } }>;
}

/** The driver's result handler (2.1.0): a ResultSlicer over an ArrowResultConverter or a JsonResultHandler. */
interface DriverHandler {
  source?: {
    convertArrowTypes?: unknown;
    getSchemaValues?: unknown;
    prefetchedRecordBatch?: unknown;
    source?: Partial<ResultSource<unknown>> & { arrowSchema?: Uint8Array };
  };
}

/**
 * A finished statement's result straight from the driver's result handler, so that rows are built
 * once from what the warehouse sent (convert-arrow-batch.ts, convert-column-rowset.ts) instead of
 * through the driver's per-row conversion. Undefined when the result is none of inline Arrow,
 * CloudFetch files (Arrow, their LZ4 already undone by the driver) or column-based, or the driver is
 * not shaped as 2.1.0 is: the caller then pages with `fetchChunk`.
 *
 * The handler is reached through `DBSQLOperation.getResultHandler()`, which the driver declares but
 * keeps out of its IOperation contract, so every step is checked here rather than assumed; the
 * version is pinned in package.json, and a test fails if this path stops being taken. Nothing has
 * gone through the handler's own converter, which is never used afterwards.
 */
export async function driverResult(operation: DriverOperation): Promise<DriverResult | undefined> {
  // Waits until the statement has finished (a failed one throws its error here, typed by the caller).
  const schema = (await operation.getSchema()) as ResultSchema | null;
  if (!schema) return undefined;
  const metadata = await operation.getResultMetadata();
  const handler = (await (operation as { getResultHandler?: () => Promise<unknown> }).getResultHandler?.()) as DriverHandler | undefined;
  const source = handler?.source?.source;
  if (typeof source?.fetchNext !== 'function' || typeof source.hasMore !== 'function') return undefined;
  const columns = [...schema.columns]
    .sort((a, b) => a.position - b.position)
    .map((column) => ({ name: column.columnName, type: column.typeDesc?.types?.[0]?.primitiveEntry?.type }));
  const format = String(metadata.resultFormat);
  const arrow = format === 'ARROW_BASED' || format === 'URL_BASED';
  if (arrow && typeof handler?.source?.convertArrowTypes === 'function' && handler.source.prefetchedRecordBatch === undefined) {
    // The schema the warehouse states (for inline Arrow from an old runtime, the one the driver inferred).
    const fields = arrowFields(metadata.arrowSchema ?? source.arrowSchema);
    return fields ? { format: 'arrow', source: source as ResultSource<ArrowBatches>, columns, fields } : undefined;
  }
  if (format === 'COLUMN_BASED' && typeof handler?.source?.getSchemaValues === 'function') {
    return { format: 'columns', source: source as ResultSource<ColumnRowSet | undefined>, columns };
  }
  return undefined;
}

/** The fields of an IPC schema message, or undefined if there is none to read. */
function arrowFields(schemaMessage: Uint8Array | undefined): Field[] | undefined {
  if (!schemaMessage || schemaMessage.length === 0) return undefined;
  try {
    const reader = RecordBatchReader.from(schemaMessage);
    reader.open();
    return reader.schema?.fields;
  } catch {
    return undefined;
  }
}
