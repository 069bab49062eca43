import type { Row } from './row.js';

/** What to read. Each connector documents which keys it honours; unknown ones are ignored. */
export interface ReadRequest {
  /** Sheet, tab, table, collection or CRM object; the connector's default when omitted. */
  table?: string;
  /** Stop after this many rows (overrides the config's `maxRows`). */
  maxRows?: number;
  /** Only these columns/properties. */
  columns?: string[];
  /** Rows per page yielded by `read()`. */
  pageSize?: number;
  /** Incremental reads: only records modified at or after this instant, where the system supports it. */
  since?: Date;
  /** Cancels the read; the iterator ends with an AbortError. */
  signal?: AbortSignal;
}

export type WriteMode = 'append' | 'overwrite' | 'upsert';

export interface WriteRequest {
  table?: string;
  mode?: WriteMode;
  /** The key column an upsert matches on (email for HubSpot contacts, an external id for Salesforce...). */
  keyColumn?: string;
  signal?: AbortSignal;
}

export type RowsInput = Iterable<Row> | AsyncIterable<Row>;

/** One row a write could not store, and why. `index` is the row's 0-based position in the input. */
export interface RowFailure {
  index: number;
  row: Row;
  reason: string;
  /** Vendor error code or category, when the system gives one. */
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
