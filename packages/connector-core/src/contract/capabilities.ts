import type { WriteMode } from './requests.js';

/**
 * What a connector can do, as data: core reads it to refuse what a connector cannot honour (before
 * any I/O), to batch writes and to choose safe retries. An abstract default exists for every flag,
 * so adding one breaks no connector.
 */
export interface ConnectorCapabilities {
  read: boolean;
  write: boolean;
  /** The write modes the connector implements; others fail with UnsupportedOperationError. */
  writeModes: readonly WriteMode[];
  /** Writes match existing records by key instead of duplicating them (`writeModes` has `upsert`). */
  supportsUpsert: boolean;
  /** The most records one write request may carry (HubSpot batch: 100, Salesforce collections: 200). */
  maxRecordsPerWrite: number;
  /** The most bytes (estimated as JSON) one write request may carry. */
  maxBytesPerWrite: number;
  /** Write requests in flight at once; batches that share a key are never in flight together. */
  writeConcurrency: number;
  /**
   * Incremental reads with `since`: filtered by the system (`server`), by the connector after
   * fetching (`client-filter`), or refused (`false`).
   */
  incrementalRead: 'server' | 'client-filter' | false;
  /** `ReadRequest.query` (SQL for warehouses, with `parameters`). */
  query: boolean;
  /** `ReadRequest.filter` / `ReadRequest.sort` (MongoDB-style documents). */
  filter: boolean;
  sort: boolean;
  /** Pages core reads ahead of the consumer (0: none). Remote systems overlap latency with work. */
  readAhead: number;
  /** @deprecated use `incrementalRead`. */
  supportsIncrementalRead: boolean;
}

export const defaultCapabilities: ConnectorCapabilities = {
  read: true,
  write: false,
  writeModes: [],
  supportsUpsert: false,
  maxRecordsPerWrite: Number.POSITIVE_INFINITY,
  maxBytesPerWrite: Number.POSITIVE_INFINITY,
  writeConcurrency: 1,
  incrementalRead: false,
  query: false,
  filter: false,
  sort: false,
  readAhead: 1,
  supportsIncrementalRead: false,
};

/** Fills the defaults and keeps the derived flags consistent with the declared ones. */
export function resolveCapabilities(declared: Partial<ConnectorCapabilities>): ConnectorCapabilities {
  const merged = { ...defaultCapabilities, ...declared };
  if (declared.incrementalRead === undefined && declared.supportsIncrementalRead) merged.incrementalRead = 'server';
  merged.supportsIncrementalRead = merged.incrementalRead !== false;
  if (declared.writeModes === undefined && merged.write)
    merged.writeModes = merged.supportsUpsert ? ['append', 'overwrite', 'upsert'] : ['append', 'overwrite'];
  merged.supportsUpsert = merged.writeModes.includes('upsert');
  return merged;
}
