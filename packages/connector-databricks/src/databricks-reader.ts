import type { ConnectorContext, JsonValue, Row } from '@automl/connector-core';
import { abortable, type DatabricksStatements, type NamedParameters } from './databricks-statements.js';

export interface PagedQuery {
  sql: string;
  parameters?: Record<string, JsonValue | Date>;
  maxRows?: number;
  /** A user query is wrapped to apply maxRows; a table read gets a plain LIMIT. */
  wrapLimit: boolean;
  pageSize: number;
  /** Per-row conversion, when rows need one (undefined: the driver's rows are connector rows already). */
  convert?: (row: Record<string, unknown>) => Row;
}

/**
 * Pages of a query: one statement, then `fetchChunk` pages of `pageSize` rows, so memory stays
 * bounded whatever the result size (never `fetchAll`). `maxRows` becomes a SQL LIMIT: the
 * driver's own `maxRows` is only a page size. The statement is retried by core like any read (its
 * first page comes with its answer); a later page fetch that fails ends the read with its typed
 * error rather than risk a gap.
 */
export async function* readDatabricksPages(statements: DatabricksStatements, context: ConnectorContext, query: PagedQuery): AsyncGenerator<Row[]> {
  const sql = limited(query);
  const parameters = toDriverParameters(query.parameters);
  const operation = await context.call('read.query', ({ signal }) =>
    statements.open(sql, signal, { ...(parameters ? { parameters } : {}), maxRows: query.pageSize }),
  );
  try {
    for (;;) {
      // Not retried: the driver reads ahead inside fetchChunk, so after any failure its cursor may
      // have moved past rows it never returned; a retry would skip them silently. One Arrow batch
      // per page (`disableBuffering`): the driver asks the warehouse for pageSize rows when it needs
      // another answer, but never gathers pageSize converted rows (its row objects are what weighs).
      const rows = (await context.call(
        'read.fetch',
        ({ signal }) => abortable(operation.fetchChunk({ maxRows: query.pageSize, disableBuffering: true }), signal, operation),
        { idempotent: false },
      )) as Array<Record<string, unknown>>;
      if (rows.length > 0) yield query.convert ? rows.map(query.convert) : (rows as Row[]);
      if (!(await operation.hasMoreRows())) return;
    }
  } finally {
    void operation.close().catch(() => undefined);
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
