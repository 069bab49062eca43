import {
  BaseConnector,
  type ConfigInputOf,
  ConfigError,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorOptions,
  policyDefaults,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type TableSchema,
  type WriteSession,
} from '@automl/connector-core';
import { type Db, type Document, MongoClient } from 'mongodb';
import { convertMongoDbDocument } from './convert-mongodb-record.js';
import { describeMongoDbColumns } from './map-mongodb-field-type.js';
import { mongoDbClientSettings } from './mongodb-client-settings.js';
import { classifyMongoDbError, withMongoDbErrors } from './mongodb-errors.js';
import { MongoDbPageReader } from './mongodb-page-reader.js';
import { beginMongoDbWrite, stagingPrefix } from './mongodb-write-session.js';

/** The config the connector takes: `connectionUri` (or MONGODB_URI) or host/port/username/password, plus core's shared keys. */
export type MongoDbConnectorConfig = Omit<ConfigInputOf<'mongodb'>, 'connectionType'> & { connectionType?: 'mongodb' };

const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_SAMPLE_SIZE = 100;
const DEFAULT_SINCE_FIELD = 'updatedAt';
/** Rows per bulkWrite / insertMany: well under MongoDB's 100,000 statements and 48 MB messages. */
const WRITE_BATCH_ROWS = 1000;
const WRITE_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * MongoDB (Atlas or self-hosted) on the official `mongodb` driver: collections read through one
 * cursor cut into pages, `filter`/`sort`/`columns`/`since` done by the server, ObjectIds as strings;
 * writes as keyed upserts (`bulkWrite` of upserting `updateOne`s), appends with client-assigned
 * `_id`s (a retried batch cannot insert twice) and overwrites swapped in with `renameCollection`.
 * The driver's own retries are off: core's policy retries, the connector only classifies.
 */
export class MongoDbConnector extends BaseConnector<'mongodb'> {
  #client: MongoClient | undefined;
  /** `this.call` with the driver's failures typed inside each attempt (see withMongoDbErrors). */
  readonly #remote: Pick<ConnectorContext, 'call'> = withMongoDbErrors<Pick<ConnectorContext, 'call'>>(
    { call: (operation, fn, options) => this.call(operation, fn, options) },
    this.redactor,
  );
  #db: Db | undefined;
  #identity = '';

  constructor(config: MongoDbConnectorConfig | Record<string, unknown> = {}, options: ConnectorOptions = {}) {
    super('mongodb', { connectionType: 'mongodb', ...config }, options, {
      read: true,
      write: true,
      writeModes: ['append', 'upsert', 'overwrite'],
      maxRecordsPerWrite: WRITE_BATCH_ROWS,
      maxBytesPerWrite: WRITE_BATCH_BYTES,
      writeConcurrency: 2,
      incrementalRead: 'server',
      filter: true,
      sort: true,
      readAhead: 1,
    });
  }

  /** The database the connector reads and writes. */
  get database(): string {
    return this.#database().databaseName;
  }

  protected async openConnection(): Promise<void> {
    const settings = mongoDbClientSettings(this.config);
    const client = new MongoClient(settings.uri, settings.options);
    this.#client = client;
    this.#identity = this.redactor.redact(settings.identity);
    await this.#remote.call('connect', () => client.connect());
    this.#db = client.db(settings.database);
  }

  protected async closeConnection(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#db = undefined;
    await client?.close();
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const db = this.#database();
    const info = await this.#remote.call('testConnection', async () => {
      await db.command({ ping: 1 });
      return db.admin().command({ buildInfo: 1 });
    });
    return { identity: this.#identity, details: { database: db.databaseName, serverVersion: String(info.version ?? 'unknown') } };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifyMongoDbError(error, operation, this.redactor);
  }

  /** The database's collections, without `system.*` and the staging collections of overwrites in progress. */
  async listTables(): Promise<string[]> {
    await this.connect();
    const db = this.#database();
    const collections = await this.#remote.call('listTables', ({ signal }) =>
      db.listCollections({}, { nameOnly: true, authorizedCollections: true, signal }).toArray(),
    );
    return collections
      .map((collection) => collection.name)
      .filter((name) => !name.startsWith('system.') && !name.startsWith(stagingPrefix))
      .sort();
  }

  /**
   * Columns from a sample of `sampleSize` documents (`find().limit(n)`; FerretDB has no `$sample`).
   * `rowCount` comes from `$collStats` (collection metadata); left out where the server refuses it,
   * never a counting scan.
   */
  async describe(table?: string): Promise<TableSchema> {
    const collectionName = this.#requireTable(table, 'describe');
    await this.connect();
    const collection = this.#database().collection(collectionName);
    const documents = await this.#remote.call('describe', ({ signal }) =>
      collection.find({}, { limit: this.config.sampleSize ?? DEFAULT_SAMPLE_SIZE, signal }).toArray(),
    );
    const rows = documents.map((document) => convertMongoDbDocument(document, { decimal: this.config.decimalAs ?? 'number' }));
    const rowCount = await this.#remote
      .call('describe.count', ({ signal }) => collection.aggregate<Document>([{ $collStats: { count: {} } }], { signal }).toArray())
      .then((stats) => (typeof stats[0]?.count === 'number' ? stats[0].count : undefined))
      .catch(() => undefined);
    return { table: collectionName, columns: describeMongoDbColumns(documents, rows), ...(rowCount !== undefined ? { rowCount } : {}) };
  }

  protected override async *readPages(request: ReadRequest, coreContext: ConnectorContext): AsyncIterable<Row[]> {
    const context = withMongoDbErrors(coreContext, this.redactor);
    const collectionName = this.#requireTable(request.table, 'read');
    const filters: Document[] = [];
    if (request.filter && Object.keys(request.filter).length > 0) filters.push(request.filter);
    if (request.since) filters.push({ [this.config.sinceField ?? DEFAULT_SINCE_FIELD]: { $gte: request.since } });
    const reader = new MongoDbPageReader({
      collection: this.#database().collection(collectionName),
      filter: filters.length === 0 ? {} : filters.length === 1 ? (filters[0] as Document) : { $and: filters },
      sort: request.sort,
      columns: request.columns,
      limit: request.maxRows,
      pageSize: request.pageSize ?? DEFAULT_PAGE_SIZE,
      decimal: this.config.decimalAs ?? 'number',
    });
    try {
      while (!reader.done) {
        const page = await context.call('read', ({ signal }) => reader.nextPage(signal));
        if (page.length > 0) yield page;
      }
    } finally {
      await reader.close();
    }
  }

  protected override async beginWrite(request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<unknown>> {
    const session = await beginMongoDbWrite(
      request,
      {
        db: this.#database(),
        collection: this.#requireTable(request.table, 'write'),
        objectIdStrings: true,
        createKeyIndex: this.config.createKeyIndex ?? false,
        maxTimeMs: (this.config.requestTimeoutSeconds ?? policyDefaults.requestTimeoutSeconds) * 1000,
      },
      withMongoDbErrors(context, this.redactor),
    );
    // Core hands each batch its own context: type the driver's failures there too.
    const typed = session as WriteSession<unknown>;
    return {
      ...typed,
      writeBatch: (batch, batchContext) => typed.writeBatch(batch, withMongoDbErrors(batchContext, this.redactor)),
      ...(typed.commit
        ? { commit: (summary, commitContext) => typed.commit?.(summary, withMongoDbErrors(commitContext, this.redactor)) ?? Promise.resolve() }
        : {}),
      ...(typed.abort ? { abort: (error, abortContext) => typed.abort?.(error, withMongoDbErrors(abortContext, this.redactor)) ?? Promise.resolve() } : {}),
    };
  }

  #database(): Db {
    if (!this.#db) throw new ConfigError({ message: 'The MongoDB connector is not connected', connector: this.id });
    return this.#db;
  }

  #requireTable(table: string | undefined, operation: string): string {
    if (table) return table;
    const error = new ConfigError({
      message: `No collection: pass { table: '<collection>' } to ${operation}()`,
      connector: this.id,
      operation,
    });
    error.issues = [{ path: 'table', message: 'is required' }];
    throw error;
  }
}

/** The factory core's `createConnector({ connectionType: 'mongodb', ... })` loads. */
export function createConnector(config: unknown, options?: ConnectorOptions): MongoDbConnector {
  return new MongoDbConnector(config as Record<string, unknown>, options);
}
