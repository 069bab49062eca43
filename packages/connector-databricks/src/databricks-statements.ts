import type { DBSQLClient } from '@databricks/sql';

/** The driver's session and operation, as its client hands them out. */
export type DriverSession = Awaited<ReturnType<DBSQLClient['openSession']>>;
export type DriverOperation = Awaited<ReturnType<DriverSession['executeStatement']>>;

export type NamedParameters = Record<string, string | number | boolean | Date | null | bigint>;

/**
 * Statements on one driver session. The driver takes no AbortSignal: a cancelled or timed-out
 * call stops waiting at once (and cancels the operation on the warehouse), so core's timeout and
 * the caller's cancel really end the call. `executeStatement` resolves even for a statement that
 * failed; the outcome is awaited here, DML included, so that the failure surfaces where it belongs.
 */
export class DatabricksStatements {
  readonly #session: DriverSession;

  constructor(session: DriverSession) {
    this.#session = session;
  }

  /** Runs a statement to its end and returns its (small) result. */
  async run(sql: string, signal: AbortSignal, parameters?: NamedParameters): Promise<Array<Record<string, unknown>>> {
    const operation = await this.open(sql, signal, parameters);
    try {
      return (await abortable(operation.fetchAll(), signal, operation)) as Array<Record<string, unknown>>;
    } finally {
      void operation.close().catch(() => undefined);
    }
  }

  /** Starts a query whose rows are then fetched page by page (`maxRows` rows come with the answer). */
  async open(sql: string, signal: AbortSignal, parameters?: NamedParameters, maxRows?: number): Promise<DriverOperation> {
    const options = {
      ...(parameters && Object.keys(parameters).length > 0 ? { namedParameters: parameters as never } : {}),
      ...(maxRows !== undefined ? { maxRows } : {}),
    };
    return abortable(this.#session.executeStatement(sql, options), signal);
  }

  async tables(catalog: string | undefined, schema: string | undefined, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const operation = await abortable(this.#session.getTables({ catalogName: catalog, schemaName: schema }), signal);
    return (await abortable(operation.fetchAll(), signal, operation)) as Array<Record<string, unknown>>;
  }

  async columns(catalog: string | undefined, schema: string | undefined, table: string, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const operation = await abortable(this.#session.getColumns({ catalogName: catalog, schemaName: schema, tableName: table }), signal);
    return (await abortable(operation.fetchAll(), signal, operation)) as Array<Record<string, unknown>>;
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
