import type { DuckDBResult, DuckDBValue } from '@duckdb/node-api';
import { ArrowResultEncoder } from './arrow-result-batch.js';
import { encodeColumnBased } from './column-result-set.js';
import type { DatabricksSqlError } from './databricks-sql-errors.js';
import { type ResultColumn, resultColumn, tableSchema } from './result-schema.js';

/** TOperationState values the emulator uses. */
export const OperationState = { FINISHED: 2, CANCELED: 3, CLOSED: 4, ERROR: 5, TIMEDOUT: 8 } as const;
/** TSparkRowSetType. */
const ARROW_BASED_SET = 0;
const COLUMN_BASED_SET = 1;

interface PendingRows {
  columns: DuckDBValue[][];
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

  constructor(
    readonly sessionId: string,
    options: { result?: DuckDBResult; error?: DatabricksSqlError; modifiedRows?: number; arrow: boolean; state?: number },
  ) {
    this.#result = options.result;
    this.error = options.error;
    this.modifiedRows = options.modifiedRows;
    if (options.error) this.state = OperationState.ERROR;
    if (options.state !== undefined) this.state = options.state;
    this.columns = options.result ? options.result.columnNames().map((name, index) => resultColumn(name, (options.result as DuckDBResult).columnType(index))) : [];
    this.#arrow = options.arrow ? new ArrowResultEncoder(this.columns) : undefined;
    this.#exhausted = !options.result;
  }

  get handle() {
    return { operationId: { guid: this.guid, secret: this.secret }, operationType: 0, hasResultSet: true, ...(this.modifiedRows !== undefined ? { modifiedRowCount: this.modifiedRows } : {}) };
  }

  status() {
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
      resultFormat: this.#arrow ? ARROW_BASED_SET : COLUMN_BASED_SET,
      lz4Compressed: false,
      isStagingOperation: false,
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
      pieces.push({ columns: pending.columns.map((values) => values.slice(pending.offset, pending.offset + take)), rowCount: take, offset: 0 });
      pending.offset += take;
      wanted -= take;
      if (pending.offset >= pending.rowCount) this.#pending = undefined;
    }
    const startRowOffset = this.#rowOffset;
    const rowCount = pieces.reduce((sum, piece) => sum + piece.rowCount, 0);
    this.#rowOffset += rowCount;
    const hasMoreRows = (await this.#peek()) !== undefined;
    const results = this.#arrow
      ? { startRowOffset, rows: [], arrowBatches: pieces.map((piece) => ({ batch: this.#arrow?.encode(piece.columns, piece.rowCount) as Buffer, rowCount: piece.rowCount })) }
      : { startRowOffset, rows: [], columns: encodeColumnBased(this.columns, pieces) };
    return { status: { statusCode: 0 }, hasMoreRows, results };
  }

  async #peek(): Promise<PendingRows | undefined> {
    if (this.#pending) return this.#pending;
    if (this.#exhausted || !this.#result) return undefined;
    const chunk = await this.#result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) {
      this.#exhausted = true;
      return undefined;
    }
    this.#pending = { columns: chunk.getColumns(), rowCount: chunk.rowCount, offset: 0 };
    return this.#pending;
  }

  get finished(): boolean {
    return this.#exhausted && !this.#pending;
  }
}
