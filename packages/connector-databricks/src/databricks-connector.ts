import {
  BaseConnector,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorOptions,
  type Logger,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type TableSchema,
  type WriteSession,
  requireConfigValue,
  UnsupportedOperationError,
} from '@automl/connector-core';
import { DBSQLClient } from '@databricks/sql';
import { columnTypeOf } from './convert-databricks-record.js';
import { databricksEndpoint } from './databricks-endpoint.js';
import { classifyDatabricksError } from './databricks-errors.js';
import { readDatabricksPages } from './databricks-reader.js';
import { defaultStatementBudgetMs } from './databricks-statement-wait.js';
import { qualifiedName, quoteName, splitName } from './databricks-sql-text.js';
import { DatabricksStatements } from './databricks-statements.js';
import { beginDatabricksWrite, type TableColumns } from './databricks-write-session.js';
import { defaultCloudFetchDownloads, limitCloudFetchDownloads } from './driver-download-limit.js';

/** Rows per read page (the driver's fetch size) unless the request or the config says otherwise. */
const defaultPageSize = 20_000;
/** Rows per staging INSERT: inline literals (the 256-parameter cap would mean a statement per dozen rows). */
const defaultWriteBatchSize = 1000;
/** Rows per batch when a staging volume is configured: one file, one PUT and one COPY INTO each. */
const volumeBatchRows = 50_000;
/**
 * From this many rows a batch goes through the volume: below it, inline INSERTs of `writeBatchSize`
 * rows send fewer round trips than a PUT, its upload, a COPY INTO and a REMOVE (and COPY INTO has a
 * fixed cost of its own on a warehouse: it lists the source and records the files it loaded).
 */
const defaultVolumeThresholdRows = 10_000;

/**
 * Databricks SQL warehouses through the official `@databricks/sql` driver (Thrift over HTTPS):
 * tables and queries read page by page in bounded memory, writes staged in a table of their own
 * and applied with one MERGE (or INSERT) inside an explicit transaction.
 */
export class DatabricksConnector extends BaseConnector<'databricks'> {
  #client: DBSQLClient | undefined;
  #statements: DatabricksStatements | undefined;

  constructor(config: unknown, options?: ConnectorOptions) {
    super('databricks', config, options, {
      write: true,
      writeModes: ['append', 'overwrite', 'upsert'],
      // Without a volume: one staging INSERT per batch, within a statement size the warehouse takes
      // comfortably. With one: batches large enough to go as one file each (see writeBatch).
      maxRecordsPerWrite: rawConfigValue(config, 'stagingVolume', 'staging_volume')
        ? Math.max(writeBatchSizeOf(config), volumeBatchRows)
        : writeBatchSizeOf(config),
      maxBytesPerWrite: rawConfigValue(config, 'stagingVolume', 'staging_volume') ? 64_000_000 : 1_000_000,
      writeConcurrency: 2,
      // `since` filters on a column the config names; capabilities are fixed before the config is parsed.
      incrementalRead: rawConfigValue(config, 'incrementalColumn', 'incremental_column') ? 'server' : false,
      query: true,
      readAhead: 1,
    });
  }

  protected async openConnection(): Promise<void> {
    const token = requireConfigValue(this.config.token, 'token', 'databricks', 'DATABRICKS_TOKEN');
    const httpPath = requireConfigValue(this.config.httpPath, 'httpPath', 'databricks', 'DATABRICKS_HTTP_PATH');
    const { host, port } = databricksEndpoint(this.config.host, this.config.baseUrl);
    const client = new DBSQLClient({ logger: driverLogger(this.logger) });
    this.#client = client;
    await client.connect({
      host,
      port,
      path: httpPath.startsWith('/') ? httpPath : `/${httpPath}`,
      token: token.reveal(),
      ...(this.config.caCert ? { customCaCert: this.config.caCert } : {}),
      telemetryEnabled: false,
      // The driver retries only its status and metadata calls, ignoring Retry-After: core's one policy retries instead.
      retryMaxAttempts: 1,
      preserveBigNumericPrecision: this.config.exactNumerics === true,
      userAgentEntry: 'automl-connectors',
    } as Parameters<DBSQLClient['connect']>[0]);
    const openSession = () =>
      client.openSession({
        ...(this.config.catalog ? { initialCatalog: this.config.catalog } : {}),
        ...(this.config.schema ? { initialSchema: this.config.schema } : {}),
      });
    // A warehouse that is starting answers 503 here: core waits it out (see classifyError).
    if (!limitCloudFetchDownloads(client, this.config.cloudFetchConcurrentDownloads ?? defaultCloudFetchDownloads)) {
      this.logger.debug({ connector: 'databricks' }, 'the driver is shaped unlike 2.1.0: it keeps its own CloudFetch download concurrency');
    }
    const session = await this.call('connect', () => openSession());
    this.#statements = new DatabricksStatements(openSession, session);
  }

  protected async closeConnection(): Promise<void> {
    const statements = this.#statements;
    const client = this.#client;
    this.#client = undefined;
    this.#statements = undefined;
    await statements?.close();
    await client?.close().catch(() => undefined);
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const rows = await this.call('probe', ({ signal }) => this.statements.run('SELECT current_user() AS identity, 1 AS ok', signal));
    return {
      identity: String(rows[0]?.identity ?? ''),
      details: { catalog: this.config.catalog ?? '(default)', schema: this.config.schema ?? '(default)' },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifyDatabricksError(error, operation, { startupBudgetMs: (this.config.warehouseStartupTimeoutSeconds ?? 600) * 1000 });
  }

  async listTables(): Promise<string[]> {
    await this.connect();
    const rows = await this.call('listTables', ({ signal }) => this.statements.tables(this.config.catalog, this.config.schema, signal));
    return rows.map((row) => String(row.TABLE_NAME));
  }

  async describe(table?: string): Promise<TableSchema> {
    const name = this.#requireTable(table, 'describe');
    await this.connect();
    const columns = await this.#columns(name, (operation, fn) => this.call(operation, fn));
    if (columns.length === 0) {
      throw classifyDatabricksError(
        {
          errorCode: 'ERROR',
          response: { sqlState: '42P01', displayMessage: `[TABLE_OR_VIEW_NOT_FOUND] The table or view ${qualifiedName(name)} cannot be found.` },
        },
        'describe',
      );
    }
    return {
      table: name,
      columns: columns.map((column) => ({ name: column.name, type: columnTypeOf(column.type), sourceType: column.type, nullable: column.nullable })),
    };
  }

  protected override readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    const table = request.query ? undefined : this.#requireTable(request.table, 'read');
    const since = request.since && this.config.incrementalColumn ? this.config.incrementalColumn : undefined;
    if (request.since && request.query) {
      throw new UnsupportedOperationError({
        message: '`since` applies to table reads; put the condition in the query instead',
        connector: 'databricks',
        operation: 'read',
        hint: 'Add `WHERE <column> >= :since` to the query and pass `since` as a parameter.',
      });
    }
    const select = table ? `SELECT ${request.columns?.length ? request.columns.map(quoteName).join(', ') : '*'} FROM ${this.#qualified(table)}` : '';
    return readDatabricksPages(this.statements, context, {
      sql: request.query ?? (since ? `${select} WHERE ${quoteName(since)} >= :automl_since` : select),
      parameters: since ? { ...request.parameters, automl_since: request.since as Date } : request.parameters,
      maxRows: request.maxRows,
      wrapLimit: request.query !== undefined,
      pageSize: request.pageSize ?? this.config.pageSize ?? defaultPageSize,
      exactNumerics: this.config.exactNumerics === true,
      statementBudgetMs: this.#statementBudgetMs(),
    });
  }

  protected override async beginWrite(request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<Row>> {
    const table = this.#requireTable(request.table, 'write');
    const columns = await this.#columns(table, (operation, fn) => context.call(operation, fn));
    return beginDatabricksWrite({
      statements: this.statements,
      context,
      target: this.#qualified(table),
      stagingName: (suffix) => this.#qualified(`${splitName(table).at(-1)}__automl_stage_${suffix}`, table),
      columns: columns.length > 0 ? columns : undefined,
      mode: request.mode,
      keyColumn: request.keyColumn,
      rowsPerStatement: this.config.writeBatchSize ?? defaultWriteBatchSize,
      ...(this.config.stagingVolume ? { stagingVolume: this.config.stagingVolume } : {}),
      volumeThresholdRows: this.config.volumeThresholdRows ?? defaultVolumeThresholdRows,
      statementBudgetMs: this.#statementBudgetMs(),
    });
  }

  /** How long a statement may run on the warehouse: a read's query, a write's MERGE or COPY INTO. */
  #statementBudgetMs(): number {
    return this.config.statementTimeoutSeconds !== undefined ? this.config.statementTimeoutSeconds * 1000 : defaultStatementBudgetMs;
  }

  async #columns(table: string, call: <R>(operation: string, fn: (context: { signal: AbortSignal }) => Promise<R>) => Promise<R>): Promise<TableColumns> {
    const parts = splitName(table);
    const name = parts.at(-1) as string;
    const schema = parts.length >= 2 ? parts.at(-2) : this.config.schema;
    const catalog = parts.length >= 3 ? parts[0] : this.config.catalog;
    const rows = await call('describe', ({ signal }) => this.statements.columns(catalog, schema, name, signal));
    return rows
      .filter((row) => String(row.TABLE_NAME).toLowerCase() === name.toLowerCase())
      .sort((a, b) => Number(a.ORDINAL_POSITION) - Number(b.ORDINAL_POSITION))
      .map((row) => ({ name: String(row.COLUMN_NAME), type: String(row.TYPE_NAME), nullable: row.NULLABLE !== 0 }));
  }

  /** A table name with the configured catalog and schema where the name leaves them out. */
  #qualified(table: string, beside?: string): string {
    const parts = splitName(beside ?? table);
    const catalog = parts.length >= 3 ? parts[0] : this.config.catalog;
    const schema = parts.length >= 2 ? parts.at(-2) : this.config.schema;
    return qualifiedName(splitName(table).at(-1) as string, catalog, schema);
  }

  #requireTable(table: string | undefined, operation: string): string {
    if (table) return table;
    throw classifyDatabricksError(new Error(`A table is required for ${operation}`), operation);
  }

  private get statements(): DatabricksStatements {
    if (!this.#statements) throw new Error('databricks: not connected');
    return this.#statements;
  }
}

/** `writeBatchSize` from the raw config: capabilities are fixed before core parses the config. */
function writeBatchSizeOf(config: unknown): number {
  const value = rawConfigValue(config, 'writeBatchSize', 'write_batch_size');
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000 ? value : defaultWriteBatchSize;
}

function rawConfigValue(config: unknown, key: string, snakeKey: string): unknown {
  const raw = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  return raw[key] ?? raw[snakeKey];
}

/** The driver's log lines go to the connector's (redacting) logger at debug level. */
function driverLogger(logger: Logger) {
  return {
    log: (level: string, message: string) => {
      if (level === 'error' || level === 'warn') logger.debug({ connector: 'databricks', driver: level }, message);
    },
  };
}

export function createConnector(config: unknown, options?: ConnectorOptions): DatabricksConnector {
  return new DatabricksConnector(config, options);
}
