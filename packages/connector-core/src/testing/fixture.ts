import type { Connector } from '../contract/connector.js';
import type { Row } from '../contract/row.js';

/** A fault the emulator injects into the next matching requests. */
export type ConformanceFault =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error' }
  | { kind: 'reset' }
  /** The request is applied but answered after `ms`: beyond the client's timeout, it lands late. */
  | { kind: 'late-landing'; ms: number }
  /** The credential is refused from now on (an expired token mid-write). */
  | { kind: 'expired-credential' };

/**
 * What a connector package gives the shared suite: its emulator (or real server) behind one small
 * contract, so every case can assert on the system's state rather than on the connector's word.
 */
export interface ConformanceFixture {
  /** The table, tab, collection or object the cases read and write. */
  table: string;
  /** Rows `seed` puts in `table` before each case (at least 3), as the connector reads them back. */
  rows: Row[];
  /** The column writes are keyed on (upserts, duplicate checks). */
  keyColumn: string;
  /** A writable row with key `index`; `version` changes its other values (last-value-wins checks). */
  makeRow(index: number, version: number): Row;
  /** The key of a row the system holds, as `makeRow` spelled it (normalise case, types...). */
  keyOf?(row: Row): string;
  /** A row the system refuses (a partial batch failure), when it can have one. */
  invalidRow?(index: number): Row;
  /** A new connector on the emulator, with a fast test policy, config overrides applied. */
  create(overrides?: Record<string, unknown>): Connector | Promise<Connector>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Empties the system and clears faults; then `seed` runs. */
  reset(): Promise<void>;
  seed(table: string, rows: Row[]): Promise<void>;
  /** The records the system holds in `table` now. */
  records(table: string): Promise<Row[]>;
  faults?: {
    inject(fault: ConformanceFault, on: 'read' | 'write', times?: number): void;
    clear(): void;
  };
  /** Arrival times (ms, any clock) of every request the emulator received since the last reset. */
  arrivals?(): number[];
  /** Credentials that must never appear in an error, a log line, inspect, JSON or a metric. */
  secrets?: string[];
  /** Which write modes to exercise; defaults to the connector's declared modes. */
  writeModes?: Array<'append' | 'overwrite' | 'upsert'>;
}
