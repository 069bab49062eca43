import { BigQuery, type Job, type JobMetadata } from '@google-cloud/bigquery';
import {
  BaseConnector,
  ConfigError,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorOptions,
  QuotaError,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type TableSchema,
  UnsupportedOperationError,
  type WriteSession,
} from '@automl/connector-core';
import { JWT } from 'google-auth-library';
import { resolveServiceAccount, type ServiceAccountKey } from './bigquery-credentials.js';
import { bigQueryErrorClassifier } from './bigquery-errors.js';
import { DEFAULT_JOB_TIMEOUT_SECONDS, jobStillRunning } from './bigquery-jobs.js';
import { beginLoadWrite } from './bigquery-load-writer.js';
import { createReadClient, type ReadClient, readWithStorage } from './bigquery-storage-reader.js';
import { SINCE_PARAMETER, sinceCondition } from './bigquery-since.js';
import { resolveTableName, sqlIdent, sqlPath, type TableName } from './bigquery-table-name.js';
import { type BigQueryField, columnTypeOf, type RowConverter, rowConverter } from './convert-bigquery-row.js';

/** The scope of the self-signed JWT: BigQuery read and write. */
export const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';
/** Rows per REST page when the caller gives no pageSize (tabledata.list allows up to 100,000). */
export const DEFAULT_PAGE_SIZE = 10_000;
/** Below this many rows a table or result is read through REST pages: a read session costs more than it saves. */
export const DEFAULT_STORAGE_READ_MIN_ROWS = 10_000;
export const DEFAULT_MAX_STREAMS = 4;

/** What `readTable()` takes beyond the table: the Storage Read API's projection, filter and parallelism. */
export interface StorageReadRequest {
  columns?: string[];
  /** A GoogleSQL predicate applied by the service (`country = 'FR' AND amount > 0`). */
  rowRestriction?: string;
  maxStreams?: number;
  signal?: AbortSignal;
}

export interface BigQueryConnectorOptions extends ConnectorOptions {
  /** Rows per load job (one write batch). Default 50,000. */
  maxLoadRows?: number;
  /** Bytes of NDJSON per load job; a write is split above it, each part its own job. Default 16 MB. */
  maxLoadBytes?: number;
}

/** Carries readTable()'s Storage options through core's read() (which copies the request, symbols included). */
const storageRequest = Symbol('bigquery.storageRequest');

type QueryResultsResponse = {
  jobComplete?: boolean;
  pageToken?: string;
  schema?: { fields?: BigQueryField[] };
  rows?: Array<{ f?: Array<{ v?: unknown }> }>;
  totalBytesProcessed?: string;
};

/**
 * Google BigQuery through @google-cloud/bigquery, authenticated as a service account with a
 * self-signed JWT (no token endpoint). Reads: tables through tabledata.list pages, GoogleSQL with
 * named parameters through a query job, after a dry run that enforces `maximumBytesBilled` before
 * anything is billed. Writes: load jobs with deterministic ids (see bigquery-load-writer.ts).
 * The SDK's own retries are off: core's policy is the only one.
 */
export class BigQueryConnector extends BaseConnector<'bigquery'> {
  #bigquery: BigQuery | undefined;
  #storage: ReadClient | undefined;
  #auth: JWT | undefined;
  #key: ServiceAccountKey | undefined;
  #projectId = '';
  readonly #classify = bigQueryErrorClassifier(() => ({
    clientEmail: this.#key?.clientEmail,
    projectId: this.#projectId || this.config.projectId,
    datasetId: this.config.datasetId,
  }));

  constructor(config: unknown, options: BigQueryConnectorOptions = {}) {
    super('bigquery', config, options, {
      write: true,
      writeModes: ['append', 'overwrite', 'upsert'],
      maxRecordsPerWrite: options.maxLoadRows ?? 50_000,
      maxBytesPerWrite: options.maxLoadBytes ?? 16 * 1024 * 1024,
      writeConcurrency: 2,
      query: true,
      // `since` filters on the column the config names; capabilities are fixed before the config is parsed.
      incrementalRead: rawConfigValue(config, 'incrementalColumn', 'incremental_column') ? 'server' : false,
      readAhead: 1,
    });
  }

  /** The service account's email once connected: the member to grant BigQuery roles to. */
  get clientEmail(): string | undefined {
    return this.#key?.clientEmail;
  }

  protected async openConnection(): Promise<void> {
    const key = await resolveServiceAccount(this.config);
    this.redactor.add(key.json);
    this.redactor.add(key.privateKey);
    const projectId = this.config.projectId ?? key.projectId;
    if (!projectId)
      throw new ConfigError({
        message: 'projectId is required (the key has no project_id)',
        connector: this.id,
        operation: 'connect',
        hint: 'Set projectId to the Google Cloud project that runs the jobs.',
      });
    const auth = new JWT({ email: key.clientEmail, key: key.privateKey.reveal(), keyId: key.privateKeyId, scopes: [BIGQUERY_SCOPE] });
    // A locally signed JWT with the scope, as Google's libraries do for service accounts; the
    // constructor ignores this flag, so it is set on the instance.
    auth.useJWTAccessWithScope = true;
    this.#key = key;
    this.#auth = auth;
    this.#projectId = projectId;
    this.#bigquery = new BigQuery({
      projectId,
      authClient: auth,
      autoRetry: false,
      maxRetries: 0,
      ...(this.config.location ? { location: this.config.location } : {}),
      ...(this.config.baseUrl ? { apiEndpoint: this.config.baseUrl.replace(/\/$/, '') } : {}),
    });
  }

  protected async closeConnection(): Promise<void> {
    this.#bigquery = undefined;
    const storage = this.#storage;
    this.#storage = undefined;
    this.#auth = undefined;
    await storage?.close().catch(() => undefined);
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const bigquery = await this.#client();
    const details: Record<string, string> = { projectId: this.#projectId };
    if (this.config.datasetId) {
      const [metadata] = await this.call('testConnection', () => bigquery.dataset(this.config.datasetId!).getMetadata(), { idempotent: true });
      details.datasetId = this.config.datasetId;
      details.location = String((metadata as { location?: string }).location ?? '');
    } else {
      await this.call('testConnection', () => bigquery.getDatasets({ maxResults: 1, autoPaginate: false }), { idempotent: true });
    }
    return { identity: this.#key?.clientEmail, details };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return this.#classify(error, operation);
  }

  /** Tables of the config's dataset. */
  async listTables(): Promise<string[]> {
    const bigquery = await this.#client();
    if (!this.config.datasetId)
      throw new ConfigError({ message: 'datasetId is required to list tables', connector: this.id, operation: 'listTables', hint: 'Set datasetId.' });
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const [tables, next] = await this.call(
        'listTables',
        () => bigquery.dataset(this.config.datasetId!).getTables({ autoPaginate: false, maxResults: 1000, pageToken }),
        { idempotent: true },
      );
      for (const table of tables) if (table.id) names.push(table.id);
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
    return names;
  }

  /** Columns with BigQuery's types as source types (RECORD and REPEATED as json), row count from the table's metadata. */
  async describe(table?: string): Promise<TableSchema> {
    const bigquery = await this.#client();
    const name = resolveTableName(table, { projectId: this.#projectId, datasetId: this.config.datasetId });
    const [metadata] = await this.call('describe', () => bigquery.dataset(name.datasetId, { projectId: name.projectId }).table(name.tableId).getMetadata(), {
      idempotent: true,
    });
    const fields = ((metadata as { schema?: { fields?: BigQueryField[] } }).schema?.fields ?? []) as BigQueryField[];
    return {
      table: name.tableId,
      columns: fields.map((field) => ({
        name: field.name,
        type: columnTypeOf(field),
        sourceType: field.mode === 'REPEATED' ? `ARRAY<${field.type}>` : field.type,
        nullable: field.mode !== 'REQUIRED',
      })),
      rowCount: Number((metadata as { numRows?: string }).numRows ?? 0),
      sizeBytes: Number((metadata as { numBytes?: string }).numBytes ?? 0),
    };
  }

  protected override async *readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    if (request.since && request.query)
      throw new UnsupportedOperationError({
        message: '`since` applies to table reads; put the condition in the query instead',
        connector: this.id,
        operation: 'read',
        hint: `Add \`WHERE <column> >= @since\` to the query and pass { since: <Date> } in parameters.`,
      });
    const bigquery = await this.#client();
    const pageSize = Math.min(request.pageSize ?? DEFAULT_PAGE_SIZE, request.maxRows ?? Number.POSITIVE_INFINITY, 100_000);
    if (request.query) {
      yield* this.#readQuery(bigquery, request, pageSize, context);
      return;
    }
    const name = resolveTableName(request.table, { projectId: this.#projectId, datasetId: this.config.datasetId });
    const table = bigquery.dataset(name.datasetId, { projectId: name.projectId }).table(name.tableId);
    const [metadata] = await context.call('read', () => table.getMetadata(), { idempotent: true });
    const all = ((metadata as { schema?: { fields?: BigQueryField[] } }).schema?.fields ?? []) as BigQueryField[];
    const fields = request.columns ? all.filter((field) => request.columns!.includes(field.name)) : all;
    const forced = (request as { [storageRequest]?: StorageReadRequest })[storageRequest];
    const since = request.since ? sinceCondition(all, this.config.incrementalColumn!, request.since) : undefined;
    if (forced || this.#storageFor(Number((metadata as { numRows?: string }).numRows ?? 0))) {
      // `since` pushed down as the session's row filter, beside the caller's own.
      const restrictions = [forced?.rowRestriction, since?.rowRestriction].filter((restriction): restriction is string => Boolean(restriction));
      const rowRestriction = restrictions.length > 1 ? restrictions.map((restriction) => `(${restriction})`).join(' AND ') : restrictions[0];
      yield* this.#readStorage(name, all, { ...forced, columns: request.columns, rowRestriction }, context);
      return;
    }
    if (since) {
      // tabledata.list cannot filter: a query job with the instant as a parameter (billed, and capped by maximumBytesBilled).
      const columns = request.columns ? fields.map((field) => sqlIdent(field.name)).join(', ') : '*';
      const query = `SELECT ${columns} FROM ${sqlPath(name)} WHERE ${since.where}`;
      yield* this.#readQuery(bigquery, { ...request, query, parameters: { [SINCE_PARAMETER]: request.since! } }, pageSize, context);
      return;
    }
    const converter = rowConverter(fields);
    let pageToken: string | undefined;
    do {
      const [rows, next] = await context.call(
        'read',
        () =>
          table.getRows({
            autoPaginate: false,
            maxResults: pageSize,
            pageToken,
            skipParsing: true,
            ...(request.columns ? { selectedFields: fields.map((field) => field.name).join(',') } : {}),
          } as never),
        { idempotent: true },
      );
      const page = converter.page(rows as unknown as Array<{ f?: Array<{ v?: unknown }> }>);
      context.recordBytes('read', page.bytes);
      yield page.rows;
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  /**
   * A GoogleSQL query: a dry run first (its totalBytesProcessed is checked against
   * maximumBytesBilled, so an over-budget query fails before it runs or bills), then a query job
   * whose results are paged with getQueryResults; `jobComplete: false` answers are polled again
   * through the policy (BigQuery holds each poll up to 10 s on its side).
   */
  async *#readQuery(bigquery: BigQuery, request: ReadRequest, pageSize: number, context: ConnectorContext): AsyncGenerator<Row[]> {
    const cap = this.config.maximumBytesBilled;
    const query = {
      query: request.query!,
      useLegacySql: false,
      ...(request.parameters ? { params: request.parameters } : {}),
      ...(this.config.datasetId ? { defaultDataset: { projectId: this.#projectId, datasetId: this.config.datasetId } } : {}),
      ...(this.config.location ? { location: this.config.location } : {}),
    };
    const [dry] = await context.call('read', () => bigquery.createQueryJob({ ...query, dryRun: true } as never), { idempotent: true });
    const estimate = Number((dry.metadata as { statistics?: { totalBytesProcessed?: string } }).statistics?.totalBytesProcessed ?? 0);
    if (cap !== undefined && estimate > cap) {
      throw new QuotaError({
        message: `The query would process ${estimate} bytes, over maximumBytesBilled (${cap} bytes): not run`,
        connector: this.id,
        operation: 'read',
        code: 'bytesBilledLimitExceeded',
        hint: 'Select fewer columns or filter on the partitioning column, or raise maximumBytesBilled.',
      });
    }
    const [job] = await context.call(
      'read',
      () => bigquery.createQueryJob({ ...query, ...(cap !== undefined ? { maximumBytesBilled: String(cap) } : {}) } as never),
      { idempotent: true },
    );
    yield* this.#queryPages(job as Job, pageSize, context);
  }

  async *#queryPages(job: Job, pageSize: number, context: ConnectorContext): AsyncGenerator<Row[]> {
    // Wait for the job with empty pages first (BigQuery holds each getQueryResults up to 10 s while
    // the job runs; "not complete" is core's NotReadyError, asked again within jobTimeoutSeconds).
    // Then the finished job's statistics are metered, and a large result is read through the
    // Storage Read API from the job's destination table, a small one through getQueryResults pages.
    const budgetMs = this.#jobBudgetMs();
    const results = await context.call(
      'read',
      async () => {
        const [, , response] = await job.getQueryResults({ autoPaginate: false, maxResults: 0, skipParsing: true } as never);
        const answer = response as QueryResultsResponse & { totalRows?: string };
        if (answer.jobComplete === false) throw jobStillRunning(job.id ?? '', 'read', budgetMs);
        return answer;
      },
      { idempotent: true },
    );
    const [metadata] = await context.call('read', () => job.getMetadata(), { idempotent: true });
    this.meterQueryJob(metadata as JobMetadata);
    if (this.#storageFor(Number(results.totalRows ?? 0))) {
      const destination = (metadata as { configuration?: { query?: { destinationTable?: TableName } } }).configuration?.query?.destinationTable;
      if (destination) {
        yield* this.#readStorage(destination, results.schema?.fields ?? [], {}, context);
        return;
      }
    }
    let pageToken: string | undefined;
    let converter: RowConverter | undefined;
    for (;;) {
      const [rows, , response] = await context.call(
        'read',
        () => job.getQueryResults({ autoPaginate: false, maxResults: pageSize, pageToken, skipParsing: true } as never),
        { idempotent: true },
      );
      const page = response as QueryResultsResponse;
      converter ??= rowConverter(page.schema?.fields ?? []);
      yield converter.page(rows as unknown as Array<{ f?: Array<{ v?: unknown }> }>).rows;
      pageToken = page.pageToken;
      if (!pageToken) return;
    }
  }

  /**
   * What a finished query job (a read, a MERGE) reports it processed and billed, to
   * ml_connectors_data_volume_bytes under the operations `query.processed` and `query.billed`
   * (a dry run's estimate is not billing, so it is never counted).
   */
  protected meterQueryJob(metadata: JobMetadata): void {
    const statistics = metadata.statistics as { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string; totalBytesBilled?: string } } | undefined;
    this.metrics.recordBytes(this.id, 'query.processed', Number(statistics?.query?.totalBytesProcessed ?? statistics?.totalBytesProcessed ?? 0));
    this.metrics.recordBytes(this.id, 'query.billed', Number(statistics?.query?.totalBytesBilled ?? 0));
  }

  #jobBudgetMs(): number {
    return (this.config.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS) * 1000;
  }

  /**
   * Reads a table through the Storage Read API whatever its size, with a row filter and the
   * columns pushed down to the service, `maxStreams` streams in parallel.
   */
  readTable(table: string, request: StorageReadRequest = {}): AsyncIterable<Row[]> {
    return this.read({ table, columns: request.columns, signal: request.signal, [storageRequest]: request } as ReadRequest);
  }

  #storageFor(rows: number): boolean {
    if (this.config.storageRead === false) return false;
    // A custom REST endpoint (proxy, sandbox) says nothing of where the Storage API is.
    if (this.config.baseUrl && !this.config.storageApiEndpoint) return false;
    return rows >= (this.config.storageReadMinRows ?? DEFAULT_STORAGE_READ_MIN_ROWS);
  }

  async *#readStorage(table: TableName, fields: BigQueryField[], request: StorageReadRequest, context: ConnectorContext): AsyncGenerator<Row[]> {
    this.#storage ??= createReadClient(this.config.storageApiEndpoint, this.#auth!);
    yield* readWithStorage(
      this.#storage,
      {
        table,
        fields,
        selectedFields: request.columns,
        rowRestriction: request.rowRestriction,
        maxStreams: request.maxStreams ?? this.config.maxStreams ?? DEFAULT_MAX_STREAMS,
        billingProject: this.#projectId,
        classify: (error) => this.classifyError(error, 'read'),
      },
      context,
    );
  }

  protected override async beginWrite(request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<string>> {
    const bigquery = await this.#client();
    return beginLoadWrite(
      {
        bigquery,
        projectId: this.#projectId,
        datasetId: this.config.datasetId,
        location: this.config.location,
        jobBudgetMs: this.#jobBudgetMs(),
        loadFormat: this.config.loadFormat,
        onQueryJob: (metadata) => this.meterQueryJob(metadata),
      },
      request,
      context,
    );
  }

  async #client(): Promise<BigQuery> {
    await this.connect();
    if (!this.#bigquery) throw new ConfigError({ message: 'The connector is closed', connector: this.id, operation: 'connect' });
    return this.#bigquery;
  }
}

/** A config key as given (camelCase or snake_case), before parsing: capabilities are fixed in the constructor. */
function rawConfigValue(config: unknown, key: string, snakeKey: string): unknown {
  if (!config || typeof config !== 'object') return undefined;
  const record = config as Record<string, unknown>;
  return record[key] ?? record[snakeKey];
}

/** The factory core's createConnector() calls. */
export function createConnector(config: unknown, options?: BigQueryConnectorOptions): BigQueryConnector {
  return new BigQueryConnector(config, options);
}
