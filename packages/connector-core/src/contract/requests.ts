import type { JsonValue, Row } from './row.js';

/**
 * What to read. A key a connector cannot honour (per its capabilities) fails with
 * UnsupportedOperationError before any I/O, never silently ignored:
 * - `since`: HubSpot, Pipedrive, Salesforce (server), MongoDB, BigQuery, Databricks (on a column).
 * - `query` + `parameters`: BigQuery, Databricks (SQL), Salesforce (SOQL).
 * - `filter` / `sort`: MongoDB.
 */
export interface ReadRequest {
  /** Sheet, tab, table, collection or CRM object; the connector's default when omitted. */
  table?: string;
  /** A query in the system's language instead of a table (SQL for warehouses, SOQL for Salesforce). */
  query?: string;
  /** Named parameters of `query` (`@name` in BigQuery, `:name` in Databricks). */
  parameters?: Record<string, JsonValue | Date>;
  /** A document filter (MongoDB query document). */
  filter?: Record<string, unknown>;
  /** Sort order: field to 1 (ascending) or -1 (descending). */
  sort?: Record<string, 1 | -1>;
  /** Stop after this many rows (overrides the config's `maxRows`); a positive integer. */
  maxRows?: number;
  /** Only these columns/properties. */
  columns?: string[];
  /** Rows per page yielded by `read()`. */
  pageSize?: number;
  /** Incremental reads: only records modified at or after this instant, where the system supports it. */
  since?: Date;
  /** Cancels the read: the iterator ends with the signal's AbortError and its requests stop. */
  signal?: AbortSignal;
  /** Called once when the read ends (done, stopped or failed) with what it did. */
  onReport?: (report: ReadReport) => void;
}

/** What one read did: per call, never state on the connector. */
export interface ReadReport {
  rows: number;
  pages: number;
  /** Whether it stopped at maxRows (more rows may have followed) rather than at the end of the data. */
  truncated: boolean;
  /** Connector-specific notes (skipped rows of a sheet, coerced cells...). */
  warnings: Array<{ code: string; message: string }>;
}

export type WriteMode = 'append' | 'overwrite' | 'upsert';

export interface WriteRequest {
  table?: string;
  mode?: WriteMode;
  /** The key column an upsert matches on (email for HubSpot contacts, an external id for Salesforce...). */
  keyColumn?: string;
  /** Cancels the write: it stops pulling input and rejects with the signal's AbortError, carrying the partial result. */
  signal?: AbortSignal;
}

export type RowsInput = Iterable<Row> | AsyncIterable<Row>;

/**
 * One row a write could not store, and why. `index` is the row's 0-based position in the input.
 * Codes set by core: `SKIPPED` (never sent: the write stopped before it), `CANCELLED` (in flight
 * when the caller cancelled and still unanswered when the grace after the cancel ran out: check
 * the system), `COMMIT_FAILED` (sent, but the write's final step
 * failed), `NOT_COMMITTED` (staged, but the write stopped before the commit that stores it),
 * otherwise the vendor's code or the error kind.
 */
export interface RowFailure {
  index: number;
  row: Row;
  reason: string;
  code?: string;
}

/** What a write did. Every input row is accounted for: written + failed.length === received. */
export interface WriteResult {
  received: number;
  written: number;
  created?: number;
  updated?: number;
  failed: RowFailure[];
  /** Where the rows landed (a file path, a range, an object type). */
  destination?: string;
  /** Set when a failure that is not about rows stopped the write: its name, kind and message. */
  stoppedBy?: { name: string; kind: string; message: string; hint?: string };
  /** What the connector warned of during the write (a risk it could not rule out, a value it coerced). */
  warnings?: Array<{ code: string; message: string }>;
}

export interface ConnectionTestResult {
  ok: boolean;
  connector: string;
  /** Who the connector is authenticated as: a service-account email, a portal id, a file path. */
  identity?: string;
  latencyMs: number;
  details?: Record<string, string | number | boolean>;
  /** Set when ok is false: the typed error's message and hint, never a secret. */
  error?: { name: string; message: string; hint?: string };
}
