import { type ConnectorContext, estimateBytes, type JsonValue, type Row } from '@automl/connector-core';
import { setImmediate as macrotask } from 'node:timers/promises';
import { RecordBatchReader } from 'apache-arrow';
import { convertArrowBatch, convertsArrowSchema } from './convert-arrow-batch.js';
import { convertColumnRowSet } from './convert-column-rowset.js';
import { convertDatabricksRow } from './convert-databricks-record.js';
import { awaitStatement } from './databricks-statement-wait.js';
import { abortable, type DatabricksStatements, type DriverOperation, type NamedParameters } from './databricks-statements.js';
import { type DriverResult, driverResult } from './driver-result-source.js';

export interface PagedQuery {
  sql: string;
  parameters?: Record<string, JsonValue | Date>;
  maxRows?: number;
  /** A user query is wrapped to apply maxRows; a table read gets a plain LIMIT. */
  wrapLimit: boolean;
  pageSize: number;
  /** BIGINT and DECIMAL as exact decimal strings (`exactNumerics`). */
  exactNumerics: boolean;
  /** How long the statement may run on the warehouse before its first rows (`statementTimeoutSeconds`). */
  statementBudgetMs: number;
}

/**
 * Pages of a query: one statement, then pages of at most `pageSize` rows, so memory stays bounded
 * whatever the result size (never `fetchAll`). `maxRows` becomes a SQL LIMIT: the driver's own
 * `maxRows` is only a page size. The statement is retried by core like any read (its first page
 * comes with its answer). A later fetch the warehouse refused (429: it never reached the cursor) is
 * asked again after its Retry-After; one that failed otherwise (a 5xx, a reset, a timeout) ends the
 * read with its typed error rather than risk a gap: the warehouse's cursor may have moved past rows
 * whose answer was lost, so asking again would skip them silently.
 *
 * Rows are built once from what the warehouse sent: Arrow batches, inline or CloudFetch files (what
 * warehouses serve), one page per record batch (convert-arrow-batch.ts), or column-based row sets
 * from older runtimes (convert-column-rowset.ts). Anything else goes through the driver's `fetchChunk`.
 */
export async function* readDatabricksPages(statements: DatabricksStatements, context: ConnectorContext, query: PagedQuery): AsyncGenerator<Row[]> {
  const sql = limited(query);
  const parameters = toDriverParameters(query.parameters);
  const operation = await context.call('read.query', ({ signal }) =>
    statements.open(sql, signal, { ...(parameters ? { parameters } : {}), maxRows: query.pageSize }),
  );
  try {
    await awaitStatement(context, operation, query.statementBudgetMs);
    // The statement's outcome (a failed one throws here) and the shape of its result.
    const result = await context.call('read.fetch', ({ signal }) => abortable(driverResult(operation), signal, operation), {
      idempotent: false,
      retryRefusals: true,
    });
    if (result?.format === 'arrow' && convertsArrowSchema(result.fields, result.columns)) {
      context.logger.debug({ connector: context.connector, columns: result.columns.length }, 'rows built from the Arrow batches');
      yield* arrowPages(result, operation, context, query);
    } else if (result?.format === 'columns') {
      context.logger.debug({ connector: context.connector, columns: result.columns.length }, 'rows built from the column-based row sets');
      yield* columnPages(result, operation, context, query);
    } else {
      yield* chunkPages(operation, context, query);
    }
  } finally {
    void operation.close().catch(() => undefined);
  }
}

async function* arrowPages(
  arrow: Extract<DriverResult, { format: 'arrow' }>,
  operation: DriverOperation,
  context: ConnectorContext,
  query: PagedQuery,
): AsyncGenerator<Row[]> {
  const conversion = { exact: query.exactNumerics };
  while (await arrow.source.hasMore()) {
    const { batches, rowCount } = await context.call(
      'read.fetch',
      ({ signal }) => abortable(arrow.source.fetchNext({ limit: query.pageSize }), signal, operation),
      { idempotent: false, retryRefusals: true },
    );
    if (rowCount === 0 || batches.length === 0) continue;
    context.recordBytes(
      'read',
      batches.reduce((bytes, batch) => bytes + batch.byteLength, 0),
    );
    // Only one record batch's rows at a time: the answer's bytes are held anyway, its row objects are what weighs.
    let remaining = rowCount;
    for (const batch of RecordBatchReader.from(batches)) {
      if (remaining <= 0) break;
      if (batch.numRows === 0) continue;
      // A turn of the event loop per batch, as the driver's fetchChunk takes one: converting a long
      // result must not starve timers and I/O (a CloudFetch answer holds several batches).
      await macrotask();
      const rows = convertArrowBatch(batch, arrow.columns, conversion, remaining);
      remaining -= rows.length;
      yield rows;
    }
  }
}

async function* columnPages(
  result: Extract<DriverResult, { format: 'columns' }>,
  operation: DriverOperation,
  context: ConnectorContext,
  query: PagedQuery,
): AsyncGenerator<Row[]> {
  const conversion = { exact: query.exactNumerics };
  while (await result.source.hasMore()) {
    const rowSet = await context.call('read.fetch', ({ signal }) => abortable(result.source.fetchNext({ limit: query.pageSize }), signal, operation), {
      idempotent: false,
      retryRefusals: true,
    });
    const rows = rowSet ? convertColumnRowSet(rowSet, result.columns, conversion) : [];
    if (rows.length === 0) continue;
    context.recordBytes('read', estimateBytes(rows));
    yield rows;
  }
}

async function* chunkPages(operation: DriverOperation, context: ConnectorContext, query: PagedQuery): AsyncGenerator<Row[]> {
  for (;;) {
    // One Arrow batch per page (`disableBuffering`): the driver never gathers pageSize converted rows.
    const rows = (await context.call(
      'read.fetch',
      ({ signal }) => abortable(operation.fetchChunk({ maxRows: query.pageSize, disableBuffering: true }), signal, operation),
      { idempotent: false, retryRefusals: true },
    )) as Array<Record<string, unknown>>;
    if (rows.length > 0) {
      const page = query.exactNumerics ? rows.map(convertDatabricksRow) : (rows as Row[]);
      context.recordBytes('read', estimateBytes(page));
      yield page;
    }
    if (!(await operation.hasMoreRows())) return;
  }
}

function limited(query: PagedQuery): string {
  if (query.maxRows === undefined) return query.sql;
  const sql = query.sql.trim().replace(/;\s*$/, '');
  return query.wrapLimit ? `SELECT * FROM (${sql}) AS automl_limited LIMIT ${query.maxRows}` : `${sql} LIMIT ${query.maxRows}`;
}

function toDriverParameters(parameters: Record<string, JsonValue | Date> | undefined): NamedParameters | undefined {
  if (!parameters) return undefined;
  const out: NamedParameters = {};
  for (const [name, value] of Object.entries(parameters)) {
    out[name] = value === null || typeof value !== 'object' || value instanceof Date ? value : JSON.stringify(value);
  }
  return out;
}
