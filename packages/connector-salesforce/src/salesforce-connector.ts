import {
  BaseConnector,
  ConfigError,
  type ConfigInputOf,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorOptions,
  type CrmCapableConnector,
  type CrmEntity,
  DataError,
  type FetchCrmDataOptions,
  keyOf,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type RowsInput,
  type TableSchema,
  UnsupportedOperationError,
  type WriteCrmDataOptions,
  type WriteRequest,
  type WriteResult,
  type WriteSession,
} from '@automl/connector-core';
import { Connection } from 'jsforce';
import { fromRestRecord, toSalesforceValues } from './convert-salesforce-record.js';
import { columnTypeOf, isReadableField } from './map-salesforce-field-type.js';
import { apiUsageGauge, parseApiUsage } from './salesforce-api-usage.js';
import { chooseFlow, tokenSourceFor } from './salesforce-auth.js';
import { BulkIngestJobs, upsertBulk } from './salesforce-bulk-writer.js';
import { readBulkPages } from './salesforce-bulk-reader.js';
import { createCollection, updateCollection, upsertCollection } from './salesforce-collections-writer.js';
import { type SalesforceObjectInfo, SalesforceDescribeCache } from './salesforce-describe.js';
import { classifySalesforceError } from './salesforce-errors.js';
import { type LookupEntry, upsertByLookup } from './salesforce-lookup-writer.js';
import { ensureFields } from './salesforce-missing-fields.js';
import { sObjectName } from './salesforce-objects.js';
import { countRecords, queryBatches, readRestPages } from './salesforce-rest-reader.js';
import type { SalesforceRequest } from './salesforce-http.js';
import type { SalesforceRemote } from './salesforce-remote.js';
import { SalesforceSession } from './salesforce-session.js';
import { soqlDateTime } from './salesforce-soql.js';

/** The config the connector takes: core's shared keys and the Salesforce keys of its descriptor. */
export type SalesforceConnectorConfig = Omit<ConfigInputOf<'salesforce'>, 'connectionType'> & { connectionType?: 'salesforce' };

/** API version pinned by default: Winter '25 (jsforce alone would use 50.0). */
export const defaultApiVersion = '62.0';
/** Records above which `readMode: 'auto'` reads through a Bulk API 2.0 query job. */
export const defaultBulkReadThreshold = 50_000;
/** Records per Bulk API 2.0 ingest job. */
export const bulkRecordsPerJob = 10_000;
/** In `writeMode: 'auto'`, batches of at least this many rows go by Bulk API 2.0 (Salesforce's guidance: Bulk past about 2,000 records). */
export const bulkWriteThreshold = 2_000;
/** Salesforce's limit on the URI and headers of a request is 16,384 bytes: URLs are kept under this. */
const maxUrlLength = 12_000;

const createMissingKey = Symbol('createMissingProperties');
type SalesforceWriteRequest = WriteRequest & { [createMissingKey]?: boolean };
type SalesforceResolvedWrite = ResolvedWriteRequest & { createMissing: boolean };

/** `writeMode` from the raw config, before core parses it: the write capabilities depend on it. */
function rawWriteMode(config: unknown): string | undefined {
  const raw = (config ?? {}) as Record<string, unknown>;
  const value = raw.writeMode ?? raw.write_mode;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Salesforce on jsforce: reads by SOQL paged with nextRecordsUrl (or a Bulk API 2.0 query job for
 * large objects), upserts by an External ID through sObject Collections (200 records per call) or
 * Bulk API 2.0 ingest jobs, keys that are not External IDs matched by a lookup before any create,
 * and a session renewed at most once per failed call. Every request goes through core's policy;
 * jsforce's own retries and refresh loop are off.
 */
export class SalesforceConnector extends BaseConnector<'salesforce'> implements CrmCapableConnector {
  #session: SalesforceSession | undefined;
  readonly #describe = new SalesforceDescribeCache();
  readonly #bulkJobs = new BulkIngestJobs();
  readonly #recordUsage: ((usage: { used: number; limit: number }) => void) | undefined;

  constructor(config: SalesforceConnectorConfig | Record<string, unknown> = {}, options: ConnectorOptions = {}) {
    // Collections (the default): batches of 200, two in flight. Bulk or auto: batches of up to
    // 10,000 rows (one ingest job each, or Collections calls of 200 inside the batch, two at a time).
    const large = rawWriteMode(config) === 'bulk' || rawWriteMode(config) === 'auto';
    super('salesforce', config, options, {
      read: true,
      write: true,
      writeModes: ['upsert', 'append'],
      maxRecordsPerWrite: large ? bulkRecordsPerJob : 200,
      // Bulk API 2.0 takes 150 MB of base64 per upload: about 100 MB of CSV.
      maxBytesPerWrite: large ? 100_000_000 : 5_000_000,
      writeConcurrency: large ? 1 : 2,
      incrementalRead: 'server',
      query: true,
      readAhead: 1,
    });
    this.#recordUsage = apiUsageGauge(this.metrics.registry);
  }

  get #apiVersion(): string {
    return this.config.apiVersion ?? defaultApiVersion;
  }

  /** Builds the jsforce connection and, for a grant, gets the first token. */
  protected async openConnection(): Promise<void> {
    const flow = chooseFlow(this.config);
    const obtain = tokenSourceFor(this.config, flow);
    const instanceUrl = (this.config.instanceUrl ?? (flow === 'access-token' ? this.config.baseUrl : undefined))?.replace(/\/+$/, '');
    if (flow === 'access-token' && !instanceUrl) {
      throw new ConfigError({
        message: 'Salesforce needs the instance URL with an access token',
        connector: this.id,
        operation: 'connect',
        hint: 'Set instanceUrl (SALESFORCE_INSTANCE_URL), e.g. https://yourDomain.my.salesforce.com.',
      });
    }
    // No oauth2 client and no refresh token on the connection: jsforce would refresh without limit.
    const connection = new Connection({
      version: this.#apiVersion,
      ...(instanceUrl ? { instanceUrl } : {}),
      ...(this.config.apiKey ? { accessToken: this.config.apiKey.reveal() } : {}),
    });
    // Tokens the grants return are credentials too: redacted like the configured ones.
    const session = new SalesforceSession(connection, obtain, { onToken: (token) => this.redactor.add(token) });
    if (!this.config.apiKey) await this.call('connect', () => session.establish());
    this.#session = session;
  }

  protected async closeConnection(): Promise<void> {
    this.#session = undefined;
    this.#describe.clear();
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const remote = await this.#remote();
    const limits = await remote.send<{ DailyApiRequests?: { Max: number; Remaining: number } }>('testConnection', { method: 'GET', path: '/limits' });
    const daily = limits.body.DailyApiRequests;
    return {
      identity: this.#session!.connection.instanceUrl,
      details: { apiVersion: this.#apiVersion, ...(daily ? { dailyApiRequestsMax: daily.Max, dailyApiRequestsRemaining: daily.Remaining } : {}) },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifySalesforceError(error, operation);
  }

  /** Objects SOQL can read, from describeGlobal. */
  async listTables(): Promise<string[]> {
    const remote = await this.#remote();
    return (await this.#describe.globalObjects(remote)).filter((entry) => entry.queryable).map((entry) => entry.name);
  }

  async describe(table?: string): Promise<TableSchema> {
    const remote = await this.#remote();
    const object = await this.#describe.describe(remote, sObjectName(table));
    return {
      table: object.name,
      columns: object.fields.map((field) => ({
        name: field.name,
        type: columnTypeOf(field.type),
        sourceType: [field.type, field.externalId ? 'externalId' : '', field.unique ? 'unique' : ''].filter(Boolean).join(' '),
        nullable: field.nillable,
      })),
    };
  }

  /**
   * Every readable field (compound fields are read through their parts) or the columns asked, by
   * REST query paging or a Bulk query job; `since` filters on SystemModstamp; `query` runs SOQL as given.
   */
  protected override async *readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    const remote = this.#remoteFor(context);
    if (request.query) {
      yield* this.#readSoql(remote, request.query);
      return;
    }
    const object = await this.#describe.describe(remote, sObjectName(request.table));
    const fields = this.#readFields(object, request.columns);
    const parts = {
      object: object.name,
      ...(request.since ? { where: `SystemModstamp >= ${soqlDateTime(request.since)}` } : {}),
      ...(request.maxRows !== undefined ? { limit: request.maxRows } : {}),
    };
    const mode = this.config.readMode ?? 'rest';
    const bulk = mode === 'bulk' || (mode === 'auto' && (await countRecords(remote, parts)) > (this.config.bulkReadThreshold ?? defaultBulkReadThreshold));
    const pages = bulk
      ? readBulkPages(remote, object, fields, parts, {
          pollTimeoutMs: (this.config.bulkPollTimeoutSeconds ?? 600) * 1000,
          ...(request.pageSize ? { pageSize: request.pageSize } : {}),
        })
      : readRestPages(remote, object, fields, parts, request.pageSize);
    const since = request.since?.getTime();
    for await (const page of pages) {
      // SOQL datetimes have whole seconds: drop what the rounded-down bound let in.
      yield since === undefined || !fields.includes('SystemModstamp')
        ? page
        : page.filter((row) => !(row.SystemModstamp instanceof Date) || row.SystemModstamp.getTime() >= since);
    }
  }

  async *#readSoql(remote: SalesforceRemote, soql: string): AsyncGenerator<Row[]> {
    const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1];
    const object = from ? await this.#describe.describe(remote, from).catch(() => undefined) : undefined;
    for await (const batch of queryBatches(remote, soql)) {
      if (batch.records.length === 0) continue;
      yield batch.records.map((record) => {
        const names = Object.keys(record).filter((name) => name !== 'attributes');
        return object ? fromRestRecord(record, names, object) : (Object.fromEntries(names.map((name) => [name, record[name]])) as Row);
      });
    }
  }

  #readFields(object: SalesforceObjectInfo, columns: string[] | undefined): string[] {
    const compound = new Set(object.fields.map((field) => field.compoundFieldName).filter((name): name is string => typeof name === 'string'));
    if (!columns) return object.fields.filter((field) => isReadableField(field, compound)).map((field) => field.name);
    const unknown = columns.filter((name) => !object.byName.has(name.toLowerCase()));
    if (unknown.length > 0) {
      throw new DataError({
        message: `${object.name} has no field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
        connector: this.id,
        operation: 'read',
        code: 'INVALID_FIELD',
        hint: 'Check the field API names with describe() (custom fields end in __c).',
      });
    }
    return columns.map((name) => object.byName.get(name.toLowerCase())!.name);
  }

  /** Contacts by default; an upsert without a key matches on the object's External ID field, else on Email. */
  protected override resolveWriteRequest(request: SalesforceWriteRequest): SalesforceResolvedWrite {
    const mode = request.mode ?? 'upsert';
    return { table: sObjectName(request.table), mode, keyColumn: request.keyColumn, createMissing: request[createMissingKey] === true };
  }

  protected override async beginWrite(request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<Record<string, unknown>>> {
    const resolved = request as SalesforceResolvedWrite;
    const remote = this.#remoteFor(context);
    let object = await this.#describe.describe(remote, resolved.table ?? 'Contact');
    const keyField = resolved.mode === 'upsert' ? this.#keyField(object, resolved.keyColumn) : undefined;
    const byExternalId = keyField?.externalId === true || keyField?.name === 'Id';
    const writeMode = this.config.writeMode ?? 'collections';
    const bulk = writeMode === 'bulk';
    // Inside a large batch, Collections calls go two at a time (one batch in flight). A failure that
    // must stop the write, met after part of a large batch landed, comes back as the outcome's stop.
    const chunking = { concurrency: writeMode === 'collections' ? 1 : 2 };
    if (bulk && keyField && !byExternalId) {
      throw new UnsupportedOperationError({
        message: `Bulk API upserts match on an External ID field; ${object.name}.${keyField.name} is not one`,
        connector: this.id,
        operation: 'write',
        hint: `Mark ${keyField.name} as an External ID (and unique) in Setup, use a field that is, or write with writeMode "auto" or "collections" (they look records up by ${keyField.name} first).`,
      });
    }
    // One field check at a time: batches in flight must not both create the same missing field
    // (the second would fail with DUPLICATE_DEVELOPER_NAME); the next one sees the refreshed describe.
    let ensuring: Promise<unknown> = Promise.resolve();
    const ensured = (rows: ReadonlyArray<Row>): Promise<SalesforceObjectInfo> => {
      const next = ensuring.then(async () => {
        object = await ensureFields(remote, this.#describe, object, rows, resolved.createMissing);
        return object;
      });
      ensuring = next.catch(() => undefined);
      return next;
    };
    // The key column as the row spells it (field names are case-insensitive in Salesforce).
    const keyValue = (row: Row) => {
      if (!keyField) return undefined;
      const value = row[keyField.name] ?? row[Object.keys(row).find((name) => name.toLowerCase() === keyField.name.toLowerCase()) ?? keyField.name];
      return keyOf(value);
    };
    return {
      destination: object.name,
      prepare: (row, index) => {
        if (!keyField) return { payload: row as Record<string, unknown> };
        const key = keyValue(row);
        if (key === undefined)
          return { failure: { reason: `Row ${index} has no ${keyField.name}, which the upsert matches records on.`, code: 'MISSING_KEY' } };
        // Salesforce matches text keys case-insensitively: so does the batching.
        return { payload: row as Record<string, unknown>, key: key.toLowerCase() };
      },
      writeBatch: async (entries) => {
        const current = await ensured(entries.map((entry) => entry.row));
        const values = entries.map((entry) => ({ index: entry.index, values: toSalesforceValues(entry.row, current) }));
        if (!keyField) return createCollection(remote, current.name, values, chunking);
        if (keyField.name === 'Id') {
          // Collections upserts take External IDs only: rows keyed by record Id are updates.
          return updateCollection(
            remote,
            current.name,
            values.map((entry, position) => ({ ...entry, id: keyValue(entries[position]!.row) ?? '' })),
            chunking,
          );
        }
        if (bulk || (writeMode === 'auto' && byExternalId && values.length >= bulkWriteThreshold))
          return upsertBulk(remote, current.name, keyField.name, values, {
            jobs: this.#bulkJobs,
            pollTimeoutMs: (this.config.bulkPollTimeoutSeconds ?? 600) * 1000,
            signal: context.signal,
          });
        if (byExternalId) return upsertCollection(remote, current.name, keyField.name, values, chunking);
        const lookups: LookupEntry[] = values.map((entry, position) => ({ ...entry, key: keyValue(entries[position]!.row) ?? '' }));
        return upsertByLookup(remote, current.name, keyField.name, lookups);
      },
    };
  }

  /** The upsert key: the one named, else the object's only External ID field, else Email. */
  #keyField(object: SalesforceObjectInfo, keyColumn: string | undefined) {
    if (keyColumn) {
      const field = object.byName.get(keyColumn.toLowerCase());
      if (!field) {
        throw new ConfigError({
          message: `${object.name} has no field ${keyColumn} to match records on`,
          connector: this.id,
          operation: 'write',
          hint: 'Name an External ID field (or Email) of the object as the key.',
        });
      }
      return field;
    }
    const external = object.fields.filter((field) => field.externalId);
    if (external.length === 1) return external[0]!;
    const email = object.byName.get('email');
    if (email) return email;
    throw new ConfigError({
      message: `Name the key an upsert of ${object.name} matches on (keyColumn / idProperty)`,
      connector: this.id,
      operation: 'write',
      hint:
        external.length > 1
          ? `${object.name} has several External ID fields: ${external.map((field) => field.name).join(', ')}.`
          : `Create an External ID field on ${object.name} (unique), the safest upsert key.`,
    });
  }

  /** The specification's `fetch_crm_data`: up to `limit` records, every readable field unless named. */
  async fetchCrmData(entity: CrmEntity, options: FetchCrmDataOptions = {}): Promise<Row[]> {
    return this.readAll({
      table: sObjectName(entity),
      ...(options.limit !== undefined ? { maxRows: options.limit } : {}),
      ...(options.properties ? { columns: options.properties } : {}),
      ...(options.since ? { since: options.since } : {}),
    });
  }

  /** The specification's `write_crm_data`: upsert (default) by `idProperty`, or create with `updateExisting: false`. */
  async writeCrmData(rows: RowsInput, options: WriteCrmDataOptions): Promise<WriteResult> {
    const request: SalesforceWriteRequest = {
      table: sObjectName(options.destination),
      mode: options.updateExisting === false ? 'append' : 'upsert',
      ...(options.idProperty ? { keyColumn: options.idProperty } : {}),
      [createMissingKey]: options.createMissingProperties === true,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    return this.write(rows, request);
  }

  async #remote(): Promise<SalesforceRemote> {
    await this.connect();
    return this.#remoteWith(
      (operation, fn, options) => this.call(operation, fn, options),
      () => undefined,
    );
  }

  #remoteFor(context: ConnectorContext): SalesforceRemote {
    return this.#remoteWith(context.call.bind(context), context.warn.bind(context), context);
  }

  #remoteWith(call: ConnectorContext['call'], warn: (code: string, message: string) => void, context?: ConnectorContext): SalesforceRemote {
    const session = this.#session;
    if (!session) throw new UnsupportedOperationError({ message: 'The connector is closed', connector: this.id });
    return {
      apiVersion: this.#apiVersion,
      maxUrlLength,
      warn,
      send: <T>(operation: string, request: SalesforceRequest, options?: { idempotent?: boolean }) =>
        call(
          operation,
          async () => {
            const response = await session.send<T>(request);
            const usage = parseApiUsage(response.headers['sforce-limit-info']);
            if (usage) this.#recordUsage?.(usage);
            const size = Number(response.headers['content-length']);
            if (context && Number.isFinite(size)) context.recordBytes(request.method === 'GET' ? 'read' : 'write', size);
            return response;
          },
          options,
        ),
    };
  }
}

export function createConnector(config: unknown, options?: ConnectorOptions): SalesforceConnector {
  return new SalesforceConnector(config as Record<string, unknown>, options);
}
