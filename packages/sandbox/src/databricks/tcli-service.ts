import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, FaultInjector } from '../harness/faults.js';
import { parseStagingStatement, type StagingStatement } from './databricks-file-statements.js';
import { DatabricksOperation, OperationState } from './databricks-operation.js';
import { DatabricksSqlError, toDatabricksError } from './databricks-sql-errors.js';
import type { CloudFetchFiles } from './databricks-cloudfetch.js';
import type { DatabricksVolumes } from './databricks-volumes.js';
import type { BoundParameter, DuckDbWarehouse, WarehouseSession } from './duckdb-warehouse.js';
import { currentExchange } from './thrift-https-front.js';

/** SPARK_CLI_SERVICE_PROTOCOL_V8: Arrow, async metadata and named parameters on the driver's side. */
const serverProtocolVersion = 0xa508;
const SUCCESS = { statusCode: 0 };

/** A statement to fail as Databricks would (the SQL-level fault, next to the HTTP-level ones). */
export interface StatementFaultRule {
  match: RegExp;
  errorClass: string;
  sqlState: string;
  message?: string;
  times?: number;
  /** Fail after the statement ran (its effect kept), as a result that never reaches the client. */
  afterExecution?: boolean;
}

export interface TcliServiceOptions {
  warehouse: DuckDbWarehouse;
  faults: FaultInjector;
  statementFaults: StatementFaultRule[];
  /** Whether a principal may only read. */
  readOnly: (principal: string | undefined) => boolean;
  /** Column-based results instead of Arrow, as clients that cannot read Arrow get them. */
  columnBased: boolean;
  /** Whether Arrow batches are LZ4-compressed for a client that can decompress them. */
  lz4: boolean;
  /** Where Arrow results go as CloudFetch files for clients that can download them; undefined: always inline. */
  cloudFetch: CloudFetchFiles | undefined;
  /** The greatest number of parameters in one statement (Databricks: 256). */
  maxParameters: number;
  statementLatencyMs: () => number;
  /** How long a statement keeps running on the warehouse after it was accepted (0: it finishes within its answer). */
  runningMs: (statement: string) => number;
  /**
   * Whether the warehouse is still starting (the session variant of a warm-up): a session opened
   * now is never initialized. Called with `true` to count a refused call.
   */
  sessionWarmUp: (refused?: boolean) => boolean;
  volumes: DatabricksVolumes;
  /** `https://127.0.0.1:<port>`: where presigned URLs point. */
  origin: () => string;
}

interface SessionState {
  id: string;
  guid: Buffer;
  warehouse: WarehouseSession;
  /** Statements of one session run one after the other, as on a warehouse. */
  queue: Promise<unknown>;
  /** Opened while the warehouse was starting: every call on it is refused. */
  uninitialized?: boolean;
}

type Request = Record<string, unknown> & { sessionHandle?: { sessionId: { guid: Buffer } }; operationHandle?: { operationId: { guid: Buffer } } };

/**
 * The TCLIService handler: sessions with UUID handles, statements run on the DuckDB warehouse and
 * answered with direct results when the driver asks for them (as warehouses do for quick
 * statements), operation status, metadata and paged fetches, the metadata calls, and the faults of
 * the sandbox applied per Thrift method (`ExecuteStatement:MERGE`, `FetchResults`, ...).
 */
export class TcliService {
  readonly #sessions = new Map<string, SessionState>();
  readonly #operations = new Map<string, DatabricksOperation>();
  readonly #options: TcliServiceOptions;
  /** Every statement the warehouse ran, in order (for assertions). */
  readonly statements: Array<{ sql: string; sessionId: string; ok: boolean }> = [];

  constructor(options: TcliServiceOptions) {
    this.#options = options;
  }

  get openSessions(): number {
    return this.#sessions.size;
  }

  async closeAll(): Promise<void> {
    for (const session of this.#sessions.values()) this.#options.warehouse.closeSession(session.warehouse);
    this.#sessions.clear();
    this.#operations.clear();
  }

  /** The Thrift handler object: one method per TCLIService call, each wrapped with the faults. */
  handler(): Record<string, (request: Request) => Promise<unknown>> {
    const methods: Record<string, (request: Request) => Promise<unknown>> = {
      OpenSession: (request) => this.#openSession(request),
      CloseSession: (request) => this.#closeSession(request),
      ExecuteStatement: (request) => this.#executeStatement(request),
      GetOperationStatus: async (request) => this.#operation(request)?.status() ?? invalidHandle('operation'),
      GetResultSetMetadata: async (request) => this.#operation(request)?.metadata() ?? invalidHandle('operation'),
      FetchResults: (request) => this.#fetchResults(request),
      CloseOperation: async (request) => this.#closeOperation(request),
      CancelOperation: async (request) => this.#closeOperation(request, OperationState.CANCELED),
      GetInfo: async () => ({ status: SUCCESS, infoValue: { stringValue: 'Databricks SQL (automl sandbox)' } }),
      GetCatalogs: (request) => this.#metadataQuery(request, 'catalogs'),
      GetSchemas: (request) => this.#metadataQuery(request, 'schemas'),
      GetTables: (request) => this.#metadataQuery(request, 'tables'),
      GetColumns: (request) => this.#metadataQuery(request, 'columns'),
      GetTableTypes: (request) => this.#metadataQuery(request, 'tableTypes'),
    };
    const wrapped: Record<string, (request: Request) => Promise<unknown>> = {};
    for (const [name, method] of Object.entries(methods)) wrapped[name] = (request) => this.#withFaults(name, request, method);
    for (const name of [
      'GetTypeInfo',
      'GetFunctions',
      'GetPrimaryKeys',
      'GetCrossReference',
      'GetDelegationToken',
      'CancelDelegationToken',
      'RenewDelegationToken',
    ]) {
      wrapped[name] = async () => ({ status: { statusCode: 3, errorMessage: `${name} is not implemented by the sandbox` } });
    }
    return wrapped;
  }

  async #withFaults(method: string, request: Request, run: (request: Request) => Promise<unknown>): Promise<unknown> {
    const exchange = currentExchange();
    const route = method === 'ExecuteStatement' ? `ExecuteStatement:${verbOf(String(request.statement ?? ''))}` : method;
    if (exchange) {
      exchange.route = route;
      if (method === 'ExecuteStatement')
        exchange.body = { statement: clip(String(request.statement ?? '')), parameters: describeParameters(request.parameters) };
    }
    const target = this.#session(request) ?? this.#sessionOfOperation(request);
    if (target?.uninitialized) {
      this.#options.sessionWarmUp(true);
      return {
        status: {
          statusCode: 3,
          errorMessage: `requirement failed: Session handle: SessionHandle [${target.id}] has not been initialized or had already closed.`,
        },
      };
    }
    const faults = this.#options.faults.take(route);
    let latency = method === 'ExecuteStatement' ? this.#options.statementLatencyMs() : 0;
    for (const fault of faults) {
      if (fault.kind === 'latency') latency += fault.ms;
      else if (fault.kind !== 'partial' && exchange) {
        // Refused before it ran: the HTTP answer replaces the Thrift one.
        exchange.fault = fault satisfies Fault;
        return placeholder(method);
      }
    }
    const answer = await run(request);
    // Latency lands after the work: a client that times out meanwhile finds the statement done.
    if (latency > 0) await sleep(latency);
    return answer;
  }

  async #openSession(request: Request) {
    const namespace = (request.initialNamespace ?? {}) as { catalogName?: string; schemaName?: string };
    const warehouse = this.#options.warehouse;
    let session: WarehouseSession;
    try {
      session = await warehouse.openSession(
        namespace.catalogName ?? warehouse.defaultCatalog,
        namespace.schemaName ?? warehouse.defaultSchema,
        currentExchange()?.principal,
      );
    } catch (error) {
      const failure = toDatabricksError(error);
      return { status: { statusCode: 3, sqlState: failure.sqlState, errorMessage: failure.message }, serverProtocolVersion };
    }
    const id = crypto.randomUUID();
    const guid = Buffer.from(id.replaceAll('-', ''), 'hex');
    this.#sessions.set(guid.toString('hex'), { id, guid, warehouse: session, queue: Promise.resolve(), uninitialized: this.#options.sessionWarmUp() });
    return {
      status: SUCCESS,
      serverProtocolVersion,
      sessionHandle: { sessionId: { guid, secret: Buffer.from(crypto.randomUUID().replaceAll('-', ''), 'hex') } },
      initialNamespace: { catalogName: session.catalog, schemaName: session.schema },
      canUseMultipleCatalogs: true,
      configuration: {},
    };
  }

  async #closeSession(request: Request) {
    const session = this.#session(request);
    if (!session) return invalidHandle('session');
    this.#sessions.delete(session.guid.toString('hex'));
    await session.queue.catch(() => undefined);
    this.#options.warehouse.closeSession(session.warehouse);
    return { status: SUCCESS };
  }

  async #executeStatement(request: Request) {
    const session = this.#session(request);
    if (!session) return invalidHandle('session');
    const statement = String(request.statement ?? '');
    const parameters = boundParameters(request.parameters);
    const exchange = currentExchange();
    if (parameters.size > this.#options.maxParameters && exchange) {
      exchange.fault = {
        kind: 'status',
        status: 400,
        message: `BAD_REQUEST: Parameterized query has too many parameters: ${parameters.size} parameters were given but the limit is ${this.#options.maxParameters}.`,
      };
      return placeholder('ExecuteStatement');
    }
    const run = async (): Promise<DatabricksOperation> => {
      const arrow = request.canReadArrowResult === true && !this.#options.columnBased;
      const cloudFetch = arrow && request.canDownloadResult === true ? this.#options.cloudFetch : undefined;
      // CloudFetch files are LZ4 frames (the driver then sends no canDecompressLZ4Result); inline batches only when asked.
      const lz4 = arrow && this.#options.lz4 && (cloudFetch !== undefined || request.canDecompressLZ4Result === true);
      const files = cloudFetch ? { store: cloudFetch, origin: this.#options.origin() } : undefined;
      const injected = this.#statementFault(statement);
      try {
        if (injected && !injected.afterExecution) throw injected.error;
        if (this.#options.readOnly(exchange?.principal) && !/^(SELECT|WITH|VALUES|SHOW|DESCRIBE|EXPLAIN|USE|SET|FROM)$/.test(verbOf(statement))) {
          throw new DatabricksSqlError('INSUFFICIENT_PERMISSIONS', '42501', 'Insufficient privileges: User does not have MODIFY on the table.');
        }
        const staging = parseStagingStatement(statement);
        if (staging) {
          const operation = await this.#staging(session, staging);
          this.statements.push({ sql: clip(statement), sessionId: session.id, ok: true });
          return operation;
        }
        const outcome = await this.#options.warehouse.execute(session.warehouse, statement, parameters);
        if (injected) throw injected.error;
        this.statements.push({ sql: clip(statement), sessionId: session.id, ok: true });
        return new DatabricksOperation(session.id, { result: outcome.result, modifiedRows: outcome.modifiedRows, arrow, lz4, cloudFetch: files });
      } catch (error) {
        this.statements.push({ sql: clip(statement), sessionId: session.id, ok: false });
        return new DatabricksOperation(session.id, { error: toDatabricksError(error), arrow });
      }
    };
    const queued = session.queue.then(run, run);
    session.queue = queued.catch(() => undefined);
    const operation = await queued;
    this.#operations.set(operation.guid.toString('hex'), operation);
    const runningMs = this.#options.runningMs(statement);
    if (runningMs > 0) operation.runFor(runningMs);

    const direct = request.getDirectResults as { maxRows?: { toNumber(): number } } | undefined;
    if (!direct) return { status: SUCCESS, operationHandle: operation.handle };
    const directResults: Record<string, unknown> = { operationStatus: operation.status() };
    // A statement still running answers with its status only: the client polls GetOperationStatus.
    if (!operation.error && !operation.running) {
      directResults.resultSetMetadata = operation.metadata();
      directResults.resultSet = await operation.fetch(direct.maxRows?.toNumber() ?? 100_000);
      if (operation.finished) {
        this.#operations.delete(operation.guid.toString('hex'));
        directResults.closeOperation = { status: SUCCESS };
      }
    }
    return { status: SUCCESS, operationHandle: operation.handle, directResults };
  }

  async #fetchResults(request: Request) {
    const operation = this.#operation(request);
    if (!operation) return invalidHandle('operation');
    if (operation.running) return { status: { statusCode: 3, errorMessage: 'The operation is still running: its results are not available yet.' } };
    if (operation.error) return { status: { statusCode: 3, sqlState: operation.error.sqlState, errorMessage: operation.error.message } };
    const maxRows = (request.maxRows as { toNumber(): number } | undefined)?.toNumber() ?? 100_000;
    return operation.fetch(maxRows);
  }

  /**
   * PUT / GET / REMOVE on a volume: no bytes through Thrift, one row that tells the driver where
   * to send them (a presigned URL and the headers to send with it), flagged `isStagingOperation`.
   * REMOVE has no `localFile` column (the driver would otherwise resolve a null path).
   */
  async #staging(session: SessionState, staging: StagingStatement): Promise<DatabricksOperation> {
    const volumes = this.#options.volumes;
    const method = staging.operation === 'REMOVE' ? 'DELETE' : staging.operation;
    if (staging.operation === 'PUT' && !staging.overwrite && volumes.exists(staging.volumePath)) {
      // Documented ("return an error if the file already exists"); the error class is the sandbox's choice.
      throw new DatabricksSqlError('FILE_ALREADY_EXISTS', '42K04', `The file ${staging.volumePath} already exists; use PUT ... OVERWRITE to replace it.`);
    }
    if (staging.operation === 'GET' && !volumes.exists(staging.volumePath)) {
      throw new DatabricksSqlError('PATH_NOT_FOUND', '42K03', `Path does not exist: ${staging.volumePath}.`);
    }
    const { url, headers } = volumes.presign(method, staging.volumePath, this.#options.origin());
    const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
    const local = staging.operation === 'REMOVE' ? '' : `${text(staging.localFile)} AS localFile, `;
    const result = await session.warehouse.connection.run(
      `SELECT ${text(staging.operation)} AS operation, ${local}${text(url)} AS presignedUrl, ${text(JSON.stringify(headers))} AS headers`,
    );
    return new DatabricksOperation(session.id, { result, arrow: false, staging: true });
  }

  #closeOperation(request: Request, state: number = OperationState.CLOSED) {
    const operation = this.#operation(request);
    if (!operation) return invalidHandle('operation');
    operation.state = state;
    this.#operations.delete(operation.guid.toString('hex'));
    return { status: SUCCESS };
  }

  /** GetTables / GetColumns / ...: JDBC-shaped result sets, produced by a SQL query over VALUES. */
  async #metadataQuery(request: Request, kind: 'catalogs' | 'schemas' | 'tables' | 'columns' | 'tableTypes') {
    const session = this.#session(request);
    if (!session) return invalidHandle('session');
    const warehouse = this.#options.warehouse;
    const filter = {
      catalog: request.catalogName as string | undefined,
      schema: request.schemaName as string | undefined,
      table: request.tableName as string | undefined,
      column: request.columnName as string | undefined,
    };
    let sql: string;
    const text = (value: unknown) => (value === undefined || value === null ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`);
    if (kind === 'tables') {
      const rows = await warehouse.tables(filter);
      sql = `SELECT * FROM (VALUES ${rows.map((row) => `(${text(row.catalog)}, ${text(row.schema)}, ${text(row.table)}, ${text(row.type)}, '')`).join(', ') || '(NULL, NULL, NULL, NULL, NULL)'}) AS t(TABLE_CAT, TABLE_SCHEM, TABLE_NAME, TABLE_TYPE, REMARKS)${rows.length === 0 ? ' WHERE false' : ''}`;
    } else if (kind === 'columns') {
      const rows = await warehouse.columns(filter);
      sql = `SELECT * FROM (VALUES ${
        rows
          .map(
            (row) =>
              `(${text(row.catalog)}, ${text(row.schema)}, ${text(row.table)}, ${text(row.column)}, ${jdbcType(row.duckDbType)}, ${text(databricksTypeName(row.duckDbType))}, ${row.precision ?? 'NULL'}, ${row.scale ?? 'NULL'}, ${row.nullable ? 1 : 0}, ${row.position}, ${text(row.nullable ? 'YES' : 'NO')})`,
          )
          .join(', ') || '(NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, NULL)'
      }) AS c(TABLE_CAT, TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS, NULLABLE, ORDINAL_POSITION, IS_NULLABLE)${rows.length === 0 ? ' WHERE false' : ''}`;
    } else if (kind === 'schemas') {
      const rows = [...new Map((await warehouse.tables({ catalog: filter.catalog })).map((row) => [`${row.catalog}.${row.schema}`, row])).values()];
      sql = `SELECT * FROM (VALUES ${rows.map((row) => `(${text(row.schema)}, ${text(row.catalog)})`).join(', ') || '(NULL, NULL)'}) AS s(TABLE_SCHEM, TABLE_CATALOG)${rows.length === 0 ? ' WHERE false' : ''}`;
    } else if (kind === 'catalogs') {
      const rows = [...new Set((await warehouse.tables()).map((row) => row.catalog)), warehouse.defaultCatalog];
      sql = `SELECT DISTINCT * FROM (VALUES ${rows.map((row) => `(${text(row)})`).join(', ')}) AS c(TABLE_CAT)`;
    } else {
      sql = `SELECT * FROM (VALUES ('TABLE'), ('VIEW')) AS t(TABLE_TYPE)`;
    }
    const outcome = await warehouse.execute(session.warehouse, sql);
    const operation = new DatabricksOperation(session.id, { result: outcome.result, arrow: false });
    this.#operations.set(operation.guid.toString('hex'), operation);
    const directResults = {
      operationStatus: operation.status(),
      resultSetMetadata: operation.metadata(),
      resultSet: await operation.fetch(100_000),
      ...(operation.finished ? { closeOperation: { status: SUCCESS } } : {}),
    };
    return { status: SUCCESS, operationHandle: { ...operation.handle, operationType: 4 }, directResults };
  }

  #statementFault(statement: string): { error: DatabricksSqlError; afterExecution: boolean } | undefined {
    const rules = this.#options.statementFaults;
    const index = rules.findIndex((rule) => rule.match.test(statement) && (rule.times === undefined || rule.times > 0));
    const rule = rules[index];
    if (!rule) return undefined;
    if (rule.times !== undefined) rule.times -= 1;
    return { error: new DatabricksSqlError(rule.errorClass, rule.sqlState, rule.message ?? 'Injected failure'), afterExecution: rule.afterExecution === true };
  }

  #session(request: Request): SessionState | undefined {
    const guid = request.sessionHandle?.sessionId?.guid;
    return guid ? this.#sessions.get(Buffer.from(guid).toString('hex')) : undefined;
  }

  #sessionOfOperation(request: Request): SessionState | undefined {
    const operation = this.#operation(request);
    if (!operation) return undefined;
    for (const session of this.#sessions.values()) if (session.id === operation.sessionId) return session;
    return undefined;
  }

  #operation(request: Request): DatabricksOperation | undefined {
    const guid = request.operationHandle?.operationId?.guid;
    return guid ? this.#operations.get(Buffer.from(guid).toString('hex')) : undefined;
  }
}

/** The statement's first keyword, upper-case: SELECT, INSERT, MERGE, CREATE... */
export function verbOf(statement: string): string {
  // Comments and opening parentheses aside, the first word; the statement itself may be any size.
  const head = statement.slice(0, 400).replace(/--[^\n]*\n|\/\*[\s\S]*?\*\//g, ' ');
  return /^[\s(]*([A-Za-z_]+)/.exec(head)?.[1]?.toUpperCase() ?? '';
}

/** Statements as logged: long loads are cut, so that the log stays small whatever was sent. */
function clip(statement: string): string {
  return statement.length > 4000 ? `${statement.slice(0, 4000)}... (${statement.length} characters)` : statement;
}

function boundParameters(raw: unknown): Map<string, BoundParameter> {
  const parameters = new Map<string, BoundParameter>();
  for (const parameter of (raw ?? []) as Array<{ name?: string; type?: string; value?: { stringValue?: string } | null }>) {
    if (!parameter.name) continue;
    parameters.set(parameter.name, { type: parameter.type ?? undefined, value: parameter.value?.stringValue ?? null });
  }
  return parameters;
}

function describeParameters(raw: unknown): Array<{ name?: string; type?: string; value?: string }> {
  return ((raw ?? []) as Array<{ name?: string; type?: string; value?: { stringValue?: string } | null }>).map((parameter) => ({
    name: parameter.name ?? undefined,
    type: parameter.type ?? undefined,
    value: parameter.value?.stringValue ?? undefined,
  }));
}

function invalidHandle(kind: string) {
  return { status: { statusCode: 4, errorMessage: `Invalid ${kind} handle: it has not been initialized or had already closed.` }, serverProtocolVersion };
}

/** A well-formed answer the HTTP front discards when a fault answers instead. */
function placeholder(method: string) {
  return method === 'OpenSession' ? { status: SUCCESS, serverProtocolVersion } : { status: SUCCESS };
}

function jdbcType(duckDbType: string): number {
  const type = duckDbType.toUpperCase();
  if (type === 'BOOLEAN') return 16;
  if (type === 'TINYINT') return -6;
  if (type === 'SMALLINT') return 5;
  if (type === 'INTEGER') return 4;
  if (type === 'BIGINT') return -5;
  if (type === 'FLOAT') return 6;
  if (type === 'DOUBLE') return 8;
  if (type.startsWith('DECIMAL')) return 3;
  if (type === 'DATE') return 91;
  if (type.startsWith('TIMESTAMP')) return 93;
  if (type === 'BLOB') return -2;
  return 12;
}

/** Databricks' spelling of a DuckDB column type, for TYPE_NAME. */
export function databricksTypeName(duckDbType: string): string {
  const type = duckDbType.toUpperCase();
  const names: Record<string, string> = { INTEGER: 'INT', VARCHAR: 'STRING', BLOB: 'BINARY', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP', REAL: 'FLOAT' };
  return names[type] ?? type;
}
