import {
  BaseConnector,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ConnectorOptions,
  type CrmCapableConnector,
  type FetchCrmDataOptions,
  NotFoundError,
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
  requireConfigValue,
} from '@automl/connector-core';
import { pageConverter, standardColumns } from './convert-pipedrive-record.js';
import { type PipedriveApis, PipedriveClient, type PipedriveReply } from './pipedrive-client.js';
import { describeColumns } from './pipedrive-columns.js';
import { type PipedriveEntity, fieldsEndpoint, isPipedriveEntity, isV1Entity, pipedriveEntities } from './pipedrive-entities.js';
import { classifyPipedriveError } from './pipedrive-errors.js';
import { PipedriveFieldCatalog, type PipedriveFieldDefinition, nextStart } from './pipedrive-field-catalog.js';
import { MissingFieldCreator } from './pipedrive-person-fields.js';
import { PersonLookup, searchLookupMaxRows } from './pipedrive-person-lookup.js';
import { personWriteSession } from './pipedrive-person-writer.js';
import { type CallScope, nextCursor, pipedriveRequest, rfc3339 } from './pipedrive-remote.js';

/** The public API host; a company domain (`https://acme.pipedrive.com`) works too. */
export const defaultPipedriveBaseUrl = 'https://api.pipedrive.com';

/** Most records one v2 list page returns. */
const pageSizeMax = 500;

/** The CRM facade's entity names, as HubSpot's connector calls them, mapped to Pipedrive's. */
const entityAliases: Record<string, PipedriveEntity> = {
  contacts: 'persons',
  people: 'persons',
  person: 'persons',
  companies: 'organizations',
  organization: 'organizations',
  deal: 'deals',
  lead: 'leads',
};

/** Extra write options carried on the request (the contract's WriteRequest has no place for them). */
const writeExtras = Symbol('pipedrive write options');
interface PipedriveWriteRequest extends WriteRequest {
  [writeExtras]?: { createMissingFields?: boolean; rowCount?: number };
}
interface PipedriveResolvedWrite extends ResolvedWriteRequest {
  createMissingFields: boolean;
  rowCount: number | undefined;
}

/**
 * Pipedrive through the official `pipedrive` client: persons, organizations and deals read with v2
 * cursor paging (`since` on the server through `updated_since`), custom fields under their names,
 * and persons upserted by email without duplicates. Rate limits, retries, timeouts and the breaker
 * are core's; this class says how to talk to Pipedrive and what its answers mean.
 */
export class PipedriveConnector extends BaseConnector<'pipedrive'> implements CrmCapableConnector {
  #client: PipedriveClient | undefined;
  readonly #catalogs = new Map<PipedriveEntity, Promise<PipedriveFieldCatalog>>();

  constructor(config: unknown, options?: ConnectorOptions) {
    super('pipedrive', config, options, {
      write: true,
      writeModes: ['upsert', 'append'],
      // No bulk endpoint for persons: one row per request, several in flight within the rate limit.
      maxRecordsPerWrite: 1,
      writeConcurrency: 4,
      incrementalRead: 'server',
      readAhead: 1,
    });
  }

  protected async openConnection(): Promise<void> {
    const apiKey = requireConfigValue(this.config.apiKey, 'apiKey', 'pipedrive', 'PIPEDRIVE_API_KEY');
    this.#client = new PipedriveClient({ baseUrl: this.config.baseUrl ?? defaultPipedriveBaseUrl, apiKey });
  }

  protected async closeConnection(): Promise<void> {
    this.#client = undefined;
    this.#catalogs.clear();
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const reply = await pipedriveRequest<{ id?: number; email?: string; company_id?: number; company_name?: string; company_domain?: string }>(
      this.#requireClient(),
      this.#scope(),
      'testConnection',
      (apis) => apis.users.getCurrentUser(),
    );
    const user = reply.body.data;
    return {
      identity: `${user.email ?? `user ${user.id}`} @ ${user.company_name ?? 'Pipedrive'}`,
      details: {
        ...(user.id !== undefined ? { userId: user.id } : {}),
        ...(user.company_id !== undefined ? { companyId: user.company_id } : {}),
        ...(user.company_name ? { company: user.company_name } : {}),
        ...(user.company_domain ? { companyDomain: user.company_domain } : {}),
      },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifyPipedriveError(error, operation);
  }

  async listTables(): Promise<string[]> {
    await this.connect();
    return [...pipedriveEntities];
  }

  async describe(table?: string): Promise<TableSchema> {
    await this.connect();
    const entity = this.#entity(table);
    return { table: entity, columns: describeColumns(entity, await this.#catalog(entity, this.#scope())) };
  }

  protected override async *readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    const entity = this.#entity(request.table);
    const limit = Math.max(1, Math.min(pageSizeMax, request.pageSize ?? pageSizeMax, request.maxRows ?? pageSizeMax));
    const updatedSince = request.since ? rfc3339(request.since) : undefined;
    const client = this.#requireClient();
    const v1 = isV1Entity(entity);
    // v2 pages by cursor; v1 (leads) by offset.
    const fetchPage = (position: string | number | undefined) => {
      const reply = pipedriveRequest<Array<Record<string, unknown>>>(client, context, 'read', (apis) =>
        v1
          ? listV1Page(apis, { start: (position as number | undefined) ?? 0, limit, updatedSince })
          : listPage(apis, entity, { limit, cursor: position as string | undefined, updatedSince }),
      );
      // Awaited below; if the fields read fails first, core aborts it and the rejection must not go unhandled.
      reply.catch(() => undefined);
      return reply;
    };
    const nextPosition = (reply: PipedriveReply<Array<Record<string, unknown>>>, position: string | number | undefined) =>
      v1 ? nextStart(reply.body.additional_data, (position as number | undefined) ?? 0, reply.body.data?.length ?? 0) : nextCursor(reply);
    // v1's `updated_since` on leads is in the client's spec (33.7.0) but new: should a server ignore
    // it, the rows it would have dropped are dropped here (same second-rounded bound).
    const notBefore = v1 && updatedSince ? Date.parse(updatedSince) : undefined;
    // The first page leaves together with the fields read (a fresh connection's first read), not after it.
    let position: string | number | undefined;
    let next = fetchPage(position);
    const catalog = await this.#catalog(entity, context);
    const convert = pageConverter(entity, catalog, request.columns ? new Set(request.columns) : undefined);
    for (;;) {
      const reply = await next;
      position = nextPosition(reply, position);
      const records = reply.body.data ?? [];
      // Core resumes this generator, hence asks for the next page, as soon as it hands this one on
      // (readAhead 1). Asking before building the rows was tried: it did not measure faster on the
      // benchmark (it looked slower, the emulator and this process competing for two cores).
      yield convert(notBefore === undefined ? records : records.filter((record) => !(Date.parse(String(record.update_time)) < notBefore)));
      if (position === undefined) return;
      next = fetchPage(position);
    }
  }

  /** Adds the row count of an array input, which chooses how persons are matched (see PersonLookup). */
  override write(rows: RowsInput, request: WriteRequest = {}): Promise<WriteResult> {
    const extras = (request as PipedriveWriteRequest)[writeExtras] ?? {};
    const withCount: PipedriveWriteRequest = { ...request, [writeExtras]: { ...extras, rowCount: Array.isArray(rows) ? rows.length : undefined } };
    return super.write(rows, withCount);
  }

  protected override resolveWriteRequest(request: WriteRequest): PipedriveResolvedWrite {
    const extras = (request as PipedriveWriteRequest)[writeExtras] ?? {};
    const table = this.#entity(request.table);
    if (table !== 'persons') {
      throw new UnsupportedOperationError({
        connector: 'pipedrive',
        operation: 'write',
        message: `Writing ${table} is not supported; the Pipedrive connector writes persons`,
        hint: 'Write to "persons" (matched by email).',
      });
    }
    const keyColumn = request.keyColumn ?? 'email';
    if (keyColumn !== 'email' && keyColumn !== 'id') {
      throw new UnsupportedOperationError({
        connector: 'pipedrive',
        operation: 'write',
        message: `Persons are matched by "email" or "id", not "${keyColumn}"`,
        hint: 'Use idProperty / keyColumn "email" (any of the person\'s emails, ignoring case) or "id".',
      });
    }
    return { table, mode: request.mode ?? 'upsert', keyColumn, createMissingFields: extras.createMissingFields ?? false, rowCount: extras.rowCount };
  }

  protected override async beginWrite(request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<Row>> {
    const resolved = request as PipedriveResolvedWrite;
    const client = this.#requireClient();
    let catalog = await this.#catalog('persons', context);
    const reload = async (scope: CallScope) => {
      this.#catalogs.delete('persons');
      catalog = await this.#catalog('persons', scope);
      return catalog;
    };
    const strategy = resolved.rowCount !== undefined && resolved.rowCount <= searchLookupMaxRows ? 'search' : 'index';
    return personWriteSession(
      { client, catalog: () => catalog, lookup: new PersonLookup(client, strategy), fields: new MissingFieldCreator(client, () => catalog, reload) },
      {
        mode: resolved.mode === 'append' ? 'append' : 'upsert',
        keyColumn: resolved.keyColumn === 'id' ? 'id' : 'email',
        createMissingFields: resolved.createMissingFields,
      },
    );
  }

  /** The CRM facade's read: `entity` persons, organizations or deals (contacts and companies accepted). */
  async fetchCrmData(entity: string, options: FetchCrmDataOptions = {}): Promise<Row[]> {
    return this.readAll({
      table: this.#entity(entity),
      ...(options.limit !== undefined ? { maxRows: options.limit } : {}),
      ...(options.properties ? { columns: options.properties } : {}),
      ...(options.since ? { since: options.since } : {}),
    });
  }

  /** The CRM facade's write: persons upserted by email (or id), or created when `updateExisting` is false. */
  async writeCrmData(rows: RowsInput, options: WriteCrmDataOptions): Promise<WriteResult> {
    const request: PipedriveWriteRequest = {
      table: options.destination,
      mode: options.updateExisting === false ? 'append' : 'upsert',
      keyColumn: options.idProperty ?? 'email',
      [writeExtras]: { createMissingFields: options.createMissingProperties ?? false },
      ...(options.signal ? { signal: options.signal } : {}),
    };
    return this.write(rows, request);
  }

  #entity(table: string | undefined): PipedriveEntity {
    const name = table ?? 'persons';
    const entity = isPipedriveEntity(name) ? name : entityAliases[name.toLowerCase()];
    if (!entity) {
      throw new NotFoundError({
        connector: 'pipedrive',
        operation: 'read',
        message: `Pipedrive has no entity "${name}"`,
        hint: `The connector reads ${pipedriveEntities.join(', ')} (listTables() lists them).`,
      });
    }
    return entity;
  }

  /** The fields of an entity, read once per connection (and again after the connector adds one). */
  #catalog(entity: PipedriveEntity, scope: CallScope): Promise<PipedriveFieldCatalog> {
    let loading = this.#catalogs.get(entity);
    if (!loading) {
      loading = this.#loadCatalog(entity, scope);
      this.#catalogs.set(entity, loading);
      loading.catch(() => {
        if (this.#catalogs.get(entity) === loading) this.#catalogs.delete(entity);
      });
    }
    return loading;
  }

  async #loadCatalog(entity: PipedriveEntity, scope: CallScope): Promise<PipedriveFieldCatalog> {
    const client = this.#requireClient();
    const fields: PipedriveFieldDefinition[] = [];
    let start: number | undefined = 0;
    while (start !== undefined) {
      const from: number = start;
      const page = { start: from, limit: pageSizeMax };
      const reply = await pipedriveRequest<PipedriveFieldDefinition[]>(client, scope, 'fields', (apis) => fieldsPage(apis, entity, page));
      const data = reply.body.data ?? [];
      fields.push(...data);
      start = nextStart(reply.body.additional_data, from, data.length);
    }
    return new PipedriveFieldCatalog(entity, fields, standardColumns[entity]);
  }

  #scope(): CallScope {
    return { call: (operation, fn, options) => this.call(operation, fn, options), observeServerQuota: (quota) => this.observeServerQuota(quota) };
  }

  #requireClient(): PipedriveClient {
    if (!this.#client) throw new UnsupportedOperationError({ connector: 'pipedrive', message: 'The Pipedrive connector is not connected' });
    return this.#client;
  }
}

type ListPage = { limit: number; cursor: string | undefined; updatedSince: string | undefined };

/** One page of an entity's v2 list endpoint. */
function listPage(apis: PipedriveApis, entity: PipedriveEntity, { limit, cursor, updatedSince }: ListPage): Promise<unknown> {
  const page = { limit, ...(cursor ? { cursor } : {}), ...(updatedSince ? { updated_since: updatedSince } : {}) };
  switch (entity) {
    case 'persons':
      return apis.persons.getPersons(page);
    case 'organizations':
      return apis.organizations.getOrganizations(page);
    case 'deals':
      return apis.deals.getDeals(page);
    case 'activities':
      return apis.activities.getActivities(page);
    case 'products':
      return apis.products.getProducts(page);
    case 'leads':
      // Paged by offset in readPages; this is only their first page.
      return listV1Page(apis, { start: 0, limit, updatedSince });
  }
}

/** One page of v1 leads (non-archived, oldest first): Pipedrive has no v2 leads endpoint. */
function listV1Page(apis: PipedriveApis, { start, limit, updatedSince }: { start: number; limit: number; updatedSince: string | undefined }): Promise<unknown> {
  return apis.leads.getLeads({ start, limit, ...(updatedSince ? { updated_since: updatedSince } : {}) });
}

/** One page of an entity's v1 fields endpoint (activity fields come in one page). */
function fieldsPage(apis: PipedriveApis, entity: PipedriveEntity, page: { start: number; limit: number }): Promise<unknown> {
  switch (fieldsEndpoint[entity]) {
    case 'personFields':
      return apis.personFields.getPersonFields(page);
    case 'organizationFields':
      return apis.organizationFields.getOrganizationFields(page);
    case 'dealFields':
      return apis.dealFields.getDealFields(page);
    case 'activityFields':
      return apis.activityFields.getActivityFields();
    case 'productFields':
      return apis.productFields.getProductFields(page);
  }
}

/** The factory core's `createConnector` and `CRMConnector` load this package through. */
export function createConnector(config: unknown, options?: ConnectorOptions): PipedriveConnector {
  return new PipedriveConnector(config, options);
}
