import type { ConnectorContext } from './connector-context.js';
import type { WriteMode } from './requests.js';
import type { Row } from './row.js';

/** A write request with core's defaults applied: the table, mode and key are known. */
export interface ResolvedWriteRequest {
  table: string | undefined;
  mode: WriteMode;
  keyColumn: string | undefined;
}

/** What a connector makes of one input row before batching. */
export type PreparedRow<P> =
  | {
      payload: P;
      /** Identifies the record (an upsert key): batches sharing a key are sent in input order, one at a time. */
      key?: string;
      /** Size on the wire, for `maxBytesPerWrite`; core estimates it when omitted. */
      bytes?: number;
    }
  | { failure: { reason: string; code?: string } };

export interface BatchEntry<P> {
  /** The row's 0-based position in the input. */
  index: number;
  row: Row;
  payload: P;
  key?: string;
}

/** What one batch did. Every entry not listed in `failed` counts as written. */
export interface BatchOutcome {
  failed?: Array<{ index: number; reason: string; code?: string }>;
  created?: number;
  updated?: number;
  /**
   * A failure that must stop the write (credentials, quota), met after part of this batch landed
   * (a batch sent as several requests). Core accounts this outcome first (rows listed in `failed`
   * fail, the others count as written), then stops the write as if the batch had thrown it: nothing
   * more is sent, the rest ends SKIPPED, and the write rejects with it, the result attached.
   */
  stop?: unknown;
}

/**
 * One write, as the connector implements it: core pulls the input, prepares rows, batches them by
 * the connector's capabilities, orders batches that share a key, runs up to `writeConcurrency`
 * at once, accounts for every row, and stops cleanly on a failure that is not about rows or on a
 * cancel. A batch that throws a DataError fails its rows and the write goes on; any other error
 * stops the write (rows not yet sent end as SKIPPED).
 */
export interface WriteSession<P = Row> {
  /** Default: the row itself, keyed on `keyColumn` when there is one. */
  prepare?(row: Row, index: number): PreparedRow<P>;
  writeBatch(batch: ReadonlyArray<BatchEntry<P>>, context: ConnectorContext): Promise<BatchOutcome | undefined>;
  /**
   * After the last batch (an atomic rename, clearing rows left from an overwrite, removing markers).
   * Told what the batches did, so it can decide (no clear after an overwrite that wrote nothing).
   * A throw turns every written row into a COMMIT_FAILED failure.
   */
  commit?(summary: { written: number; failed: number }, context: ConnectorContext): Promise<void>;
  /** After a stop or a cancel (remove a temp file, markers). Never throws past core. */
  abort?(error: unknown, context: ConnectorContext): Promise<void>;
  /** Where the rows landed, for `WriteResult.destination`. */
  destination?: string;
  /**
   * Batches only stage rows; `commit` is what stores them (a staging table merged at the end).
   * When the write stops or is cancelled before its commit, the rows of accepted batches are then
   * reported failed (`NOT_COMMITTED`) instead of written: the system holds none of them.
   */
  stagesRows?: boolean;
}
