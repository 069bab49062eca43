import type { DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { compressFrameSync } from 'lz4-napi';
import { ArrowResultEncoder } from './arrow-result-batch.js';
import { encodeColumnBased } from './column-result-set.js';
import type { CloudFetchFiles } from './databricks-cloudfetch.js';
import type { DatabricksSqlError } from './databricks-sql-errors.js';
import { type ColumnValues, type ResultColumn, resultColumn, TTypeId, tableSchema } from './result-schema.js';

/** TOperationState values the emulator uses. */
export const OperationState = { RUNNING: 1, FINISHED: 2, CANCELED: 3, CLOSED: 4, ERROR: 5, TIMEDOUT: 8 } as const;
/** TSparkRowSetType. */
const ARROW_BASED_SET = 0;
const COLUMN_BASED_SET = 1;
const URL_BASED_SET = 3;
/** The IPC end-of-stream marker: continuation 0xFFFFFFFF, then a zero length. */
const endOfStream = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

interface PendingRows {
  columns: ColumnValues[];
  rowCount: number;
  offset: number;
}

/**
 * One statement's operation: its state, its result read chunk by chunk from DuckDB as the driver
 * fetches (one chunk read ahead, to answer `hasMoreRows`), encoded as Arrow or column-based rows.
 */
export class DatabricksOperation {
  readonly id = crypto.randomUUID();
  readonly guid = Buffer.from(this.id.replaceAll('-', ''), 'hex');
  readonly secret = Buffer.from(crypto.randomUUID().replaceAll('-', ''), 'hex');
  state: number = OperationState.FINISHED;
  error: DatabricksSqlError | undefined;
  modifiedRows: number | undefined;
  readonly columns: ResultColumn[];
  readonly #result: DuckDBResult | undefined;
  readonly #arrow: ArrowResultEncoder | undefined;
  #pending: PendingRows | undefined;
  #exhausted: boolean;
  #rowOffset = 0;
  readonly startedAt = Date.now();
  readonly #staging: boolean;
  readonly #lz4: boolean;
  readonly #cloudFetch: { store: CloudFetchFiles; origin: string } | undefined;
  /** Until when the statement is still running on the warehouse (RUNNING_STATE to status polls). */
  #runningUntil = 0;

  constructor(
    readonly sessionId: string,
    options: {
      result?: DuckDBResult;
      error?: DatabricksSqlError;
      modifiedRows?: number;
      arrow: boolean;
      lz4?: boolean;
      cloudFetch?: { store: CloudFetchFiles; origin: string };
      state?: number;
      staging?: boolean;
    },
  ) {
    this.#cloudFetch = options.arrow ? options.cloudFetch : undefined;
    this.#staging = options.staging === true;
    this.#lz4 = options.arrow && options.lz4 === true;
    this.#result = options.result;
    this.error = options.error;
    this.modifiedRows = options.modifiedRows;
    if (options.error) this.state = OperationState.ERROR;
    if (options.state !== undefined) this.state = options.state;
    this.columns = options.result
      ? options.result.columnNames().map((name, index) => resultColumn(name, (options.result as DuckDBResult).columnType(index)))
      : [];
    // A staging result's `headers` is a MAP<STRING, STRING>: JSON text the driver parses by its type.
    if (this.#staging)
      for (const column of this.columns) if (column.name === 'headers') Object.assign(column, { sqlName: 'MAP<STRING,STRING>', typeId: TTypeId.MAP });
    this.#arrow = options.arrow ? new ArrowResultEncoder(this.columns) : undefined;
    this.#exhausted = !options.result;
  }

  get handle() {
    return {
      operationId: { guid: this.guid, secret: this.secret },
      operationType: 0,
      hasResultSet: true,
      ...(this.modifiedRows !== undefined ? { modifiedRowCount: this.modifiedRows } : {}),
    };
  }

  /** Keeps the statement running for `ms` more: status polls answer RUNNING_STATE until then. */
  runFor(ms: number): void {
    this.#runningUntil = Date.now() + ms;
  }

  /** Whether the statement is still running (its result, or its error, not there yet). */
  get running(): boolean {
    return Date.now() < this.#runningUntil && (this.state === OperationState.FINISHED || this.state === OperationState.ERROR);
  }

  status() {
    if (this.running) return { status: { statusCode: 0 }, operationState: OperationState.RUNNING, hasResultSet: true, operationStarted: this.startedAt };
    const failed = this.error !== undefined;
    return {
      status: { statusCode: 0 },
      operationState: this.state,
      hasResultSet: true,
      operationStarted: this.startedAt,
      operationCompleted: Date.now(),
      ...(this.modifiedRows !== undefined ? { numModifiedRows: this.modifiedRows } : {}),
      ...(failed
        ? {
            sqlState: this.error?.sqlState,
            errorCode: 0,
            errorMessage: this.error?.message,
            displayMessage: this.error?.message,
            errorDetailsJson: JSON.stringify({ errorClass: this.error?.errorClass, sqlState: this.error?.sqlState }),
          }
        : {}),
    };
  }

  metadata() {
    return {
      status: { statusCode: 0 },
      schema: tableSchema(this.columns),
      resultFormat: this.#cloudFetch ? URL_BASED_SET : this.#arrow ? ARROW_BASED_SET : COLUMN_BASED_SET,
      lz4Compressed: this.#lz4,
      isStagingOperation: this.#staging,
      ...(this.#arrow ? { arrowSchema: this.#arrow.schemaMessage } : {}),
    };
  }

  /** Up to `maxRows` rows from where the last fetch stopped. */
  async fetch(maxRows: number) {
    const pieces: PendingRows[] = [];
    let wanted = Math.max(1, maxRows);
    while (wanted > 0) {
      const pending = await this.#peek();
      if (!pending) break;
      const take = Math.min(wanted, pending.rowCount - pending.offset);
      const end = pending.offset + take;
      pieces.push({
        columns: pending.columns.map(
          (column): ColumnValues => ({
            values: column.values.slice(pending.offset, end) as ColumnValues['values'],
            ...(column.valid ? { valid: column.valid.slice(pending.offset, end) } : {}),
          }),
        ),
        rowCount: take,
        offset: 0,
      });
      pending.offset += take;
      wanted -= take;
      if (pending.offset >= pending.rowCount) this.#pending = undefined;
    }
    const startRowOffset = this.#rowOffset;
    const rowCount = pieces.reduce((sum, piece) => sum + piece.rowCount, 0);
    this.#rowOffset += rowCount;
    const hasMoreRows = (await this.#peek()) !== undefined;
    const results = this.#cloudFetch
      ? { startRowOffset, rows: [], resultLinks: this.#links(pieces, startRowOffset) }
      : this.#arrow
        ? {
            startRowOffset,
            rows: [],
            arrowBatches: pieces.map((piece) => {
              const batch = this.#arrow?.encode(piece.columns, piece.rowCount) as Buffer;
              // The LZ4 frame format, as warehouses compress batches (magic 0x184D2204).
              return { batch: this.#lz4 ? compressFrameSync(batch) : batch, rowCount: piece.rowCount };
            }),
          }
        : { startRowOffset, rows: [], columns: encodeColumnBased(this.columns, pieces) };
    return { status: { statusCode: 0 }, hasMoreRows, results };
  }

  /** One CloudFetch file per piece: the schema, its record batch and the end of the stream, LZ4-framed when compressed. */
  #links(pieces: PendingRows[], startRowOffset: number) {
    const arrow = this.#arrow as ArrowResultEncoder;
    const cloudFetch = this.#cloudFetch as { store: CloudFetchFiles; origin: string };
    let offset = startRowOffset;
    return pieces.map((piece) => {
      const stream = Buffer.concat([arrow.schemaMessage, arrow.encode(piece.columns, piece.rowCount), endOfStream]);
      const file = this.#lz4 ? compressFrameSync(stream) : stream;
      const { fileLink, expiryTime } = cloudFetch.store.add(file, cloudFetch.origin);
      const link = { fileLink, expiryTime, startRowOffset: offset, rowCount: piece.rowCount, bytesNum: file.length, httpHeaders: {} };
      offset += piece.rowCount;
      return link;
    });
  }

  async #peek(): Promise<PendingRows | undefined> {
    if (this.#pending) return this.#pending;
    if (this.#exhausted || !this.#result) return undefined;
    const chunk = await this.#result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) {
      this.#exhausted = true;
      return undefined;
    }
    this.#pending = {
      columns: this.columns.map((column, index) => columnValues(chunk, index, column.layout, this.#arrow !== undefined)),
      rowCount: chunk.rowCount,
      offset: 0,
    };
    return this.#pending;
  }

  get finished(): boolean {
    return this.#exhausted && !this.#pending;
  }
}

/** Layouts whose DuckDB storage is already the Arrow value (TIMESTAMP: microseconds, DATE: days). */
const rawLayouts = new Set(['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'date', 'timestamp']);

function columnValues(chunk: DuckDBDataChunk, index: number, layout: string, raw: boolean): ColumnValues {
  const vector = chunk.getColumnVector(index);
  const rowCount = chunk.rowCount;
  const internals = vector as unknown as { items?: unknown; validity?: { itemValid(row: number): boolean } };
  const typeName = vector.type.toString();
  // The vectors keep their typed arrays in `items`: reading them whole is an order of magnitude
  // faster than one DuckDB value object per cell. Millisecond/second/nanosecond timestamps are not
  // microseconds: they take the value path.
  const direct =
    raw && rawLayouts.has(layout) && ArrayBuffer.isView(internals.items) && (layout !== 'timestamp' || /^TIMESTAMP( WITH TIME ZONE)?$/.test(typeName));
  const valid = new Uint8Array(rowCount);
  let nulls = 0;
  const validity = internals.validity;
  for (let row = 0; row < rowCount; row += 1) {
    const ok = validity ? validity.itemValid(row) : vector.getItem(row) !== null;
    valid[row] = ok ? 1 : 0;
    if (!ok) nulls += 1;
  }
  const values = direct ? (internals.items as Int32Array).slice(0, rowCount) : vector.toArray();
  return { values, ...(nulls > 0 ? { valid } : {}) };
}
