import type { DBSQLClient } from '@databricks/sql';
import { isLostSessionError } from './databricks-errors.js';

/** The driver's session and operation, as its client hands them out. */
export type DriverSession = Awaited<ReturnType<DBSQLClient['openSession']>>;
export type DriverOperation = Awaited<ReturnType<DriverSession['executeStatement']>>;

export type NamedParameters = Record<string, string | number | boolean | Date | null | bigint>;

/** Driver options of one statement beyond its text. */
export interface StatementOptions {
  parameters?: NamedParameters;
  /** Rows inlined in the statement's answer (the driver's `maxRows`: a page size, not a limit). */
  maxRows?: number;
  /** Local directories a staging statement (PUT / GET / REMOVE on a volume) may read or write. */
  stagingAllowedLocalPath?: string[];
}

/**
 * Statements on a driver session. The driver takes no AbortSignal: a cancelled or timed-out
 * call stops waiting at once (and cancels the operation on the warehouse), so core's timeout and
 * the caller's cancel really end the call. `executeStatement` resolves even for a statement that
 * failed; the outcome is awaited here, DML included, so that the failure surfaces where it belongs.
 *
 * A session the warehouse says it does not know ("has not been initialized or had already
 * closed": opened while the warehouse was starting, or expired) is dropped, and the next statement
 * opens a new one: asking the same session again would never succeed. `generation` counts the
 * sessions, so that a transaction can tell its session was replaced under it.
 */
export class DatabricksStatements {
  #session: DriverSession | undefined;
  #opening: Promise<DriverSession> | undefined;
  readonly #openSession: () => Promise<DriverSession>;
  generation = 0;

  constructor(openSession: () => Promise<DriverSession>, session?: DriverSession) {
    this.#openSession = openSession;
    this.#session = session;
    if (session) this.generation = 1;
  }

  /** Runs a statement to its end and returns its (small) result. */
  async run(sql: string, signal: AbortSignal, parameters?: NamedParameters): Promise<Array<Record<string, unknown>>> {
    return this.runWith(sql, signal, parameters ? { parameters } : {});
  }

  async runWith(sql: string, signal: AbortSignal, options: StatementOptions): Promise<Array<Record<string, unknown>>> {
    const operation = await this.open(sql, signal, options);
    try {
      return await this.outcome(operation, signal);
    } finally {
      void operation.close().catch(() => undefined);
    }
  }

  /**
   * A submitted statement's outcome and (small) result: waits for it to finish, and throws the
   * error of one that failed. The operation stays open: whoever opened it closes it.
   */
  async outcome(operation: DriverOperation, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    return (await this.#watch(abortable(operation.fetchAll(), signal, operation))) as Array<Record<string, unknown>>;
  }

  /** Starts a query whose rows are then fetched page by page (`maxRows` rows come with the answer). */
  async open(sql: string, signal: AbortSignal, options: StatementOptions = {}): Promise<DriverOperation> {
    const { parameters, maxRows, stagingAllowedLocalPath } = options;
    const driverOptions = {
      ...(parameters && Object.keys(parameters).length > 0 ? { namedParameters: parameters as never } : {}),
      ...(maxRows !== undefined ? { maxRows } : {}),
      ...(stagingAllowedLocalPath ? { stagingAllowedLocalPath } : {}),
    };
    const session = await this.#current(signal);
    return this.#watch(abortable(session.executeStatement(sql, driverOptions), signal), session);
  }

  async tables(catalog: string | undefined, schema: string | undefined, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const session = await this.#current(signal);
    const operation = await this.#watch(abortable(session.getTables({ catalogName: catalog, schemaName: schema }), signal), session);
    return (await this.#watch(abortable(operation.fetchAll(), signal, operation), session)) as Array<Record<string, unknown>>;
  }

  async columns(catalog: string | undefined, schema: string | undefined, table: string, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const session = await this.#current(signal);
    const operation = await this.#watch(abortable(session.getColumns({ catalogName: catalog, schemaName: schema, tableName: table }), signal), session);
    return (await this.#watch(abortable(operation.fetchAll(), signal, operation), session)) as Array<Record<string, unknown>>;
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.close().catch(() => undefined);
  }

  async #current(signal: AbortSignal): Promise<DriverSession> {
    if (this.#session) return this.#session;
    this.#opening ??= this.#openSession().then(
      (session) => {
        this.#opening = undefined;
        this.#session = session;
        this.generation += 1;
        return session;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return abortable(this.#opening, signal);
  }

  /** Drops the session when the warehouse no longer knows it. */
  async #watch<T>(promise: Promise<T>, session = this.#session): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (session && this.#session === session && isLostSessionError(error)) {
        this.#session = undefined;
        void session.close().catch(() => undefined);
      }
      throw error;
    }
  }
}

/** Waits for `promise` unless `signal` aborts first; then the operation, if any, is cancelled. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, operation?: DriverOperation): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      void operation?.cancel().catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
