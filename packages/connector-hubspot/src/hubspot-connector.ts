import {
  BaseConnector,
  ConfigError,
  ConnectorError,
  hints,
  type ConfigInputOf,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorOptions,
  type CrmCapableConnector,
  type CrmEntity,
  type FetchCrmDataOptions,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type RowsInput,
  type TableSchema,
  type WriteCrmDataOptions,
  type WriteRequest,
  type WriteResult,
  type WriteSession,
} from '@automl/connector-core';
import type { HubSpotCalls } from './hubspot-calls.js';
import { createHubSpotApis, type HubSpotApis } from './hubspot-client.js';
import { HubSpotCustomObjects } from './hubspot-custom-objects.js';
import { classifyHubSpotError } from './hubspot-errors.js';
import { hubSpotPageLimit, hubSpotWriteConcurrency } from './hubspot-limits.js';
import { readHubSpotList } from './hubspot-list-reader.js';
import { defaultIdProperty, resolveObjectType, standardObjectTypes } from './hubspot-object-types.js';
import { HubSpotProperties } from './hubspot-properties.js';
import { beginHubSpotWrite } from './hubspot-write-session.js';
import { columnTypeOf } from './map-hubspot-property-type.js';

/** A write with writeCrmData's `createMissingProperties`, which it passes through core's write. */
interface HubSpotWriteRequest extends WriteRequest {
  createMissingProperties?: boolean;
}
interface HubSpotResolvedWrite extends ResolvedWriteRequest {
  createMissingProperties?: boolean;
}

/** The config the connector takes: `apiKey` (or HUBSPOT_API_KEY) plus core's shared keys. */
export type HubSpotConnectorConfig = Omit<ConfigInputOf<'hubspot'>, 'connectionType'> & { connectionType?: 'hubspot' };

/**
 * HubSpot CRM on the official @hubspot/api-client: list-endpoint reads with `after` paging, batch
 * upserts keyed on a unique property (email for contacts) so a retried batch never duplicates, batch
 * creates that are never retried, properties created on request, per-row failures from HubSpot's
 * 207 answers. Every request goes through core's policy; the SDK's own limiter and retries are off.
 */
export class HubSpotConnector extends BaseConnector<'hubspot'> implements CrmCapableConnector {
  #apis: HubSpotApis | undefined;
  #tokenLooksLikePrivateApp = true;
  /** How the modules that describe the portal reach HubSpot: only through this connector's `call`, so through core's policy. */
  readonly #calls: HubSpotCalls = {
    call: (operation, fn, options) => this.call(operation, fn, options),
    connected: () => this.#connected(),
    logger: this.logger,
  };
  readonly #properties = new HubSpotProperties(this.#calls);
  readonly #customObjects = new HubSpotCustomObjects(this.#calls);

  constructor(config: HubSpotConnectorConfig | Record<string, unknown> = {}, options: ConnectorOptions = {}) {
    super('hubspot', config, options, {
      write: true,
      writeModes: ['upsert', 'append'],
      maxRecordsPerWrite: hubSpotPageLimit,
      writeConcurrency: hubSpotWriteConcurrency,
      // The list endpoint has no modified-since filter: `since` is applied to what is listed.
      incrementalRead: 'client-filter',
      readAhead: 1,
    });
  }

  /** Builds the SDK client. No request is made: the first call (or testConnection) checks the token. */
  protected async openConnection(): Promise<void> {
    const secret = this.config.apiKey;
    if (!secret) {
      throw new ConfigError({
        message: 'No HubSpot access token: set apiKey (api_key) in the config or HUBSPOT_API_KEY in the environment.',
        connector: this.id,
        operation: 'connect',
        hint: hints.hubspotTokenFormat,
      });
    }
    const token = secret.reveal();
    this.#tokenLooksLikePrivateApp = token.startsWith('pat-');
    if (!this.#tokenLooksLikePrivateApp) {
      this.logger.warn({ connector: this.id }, `The HubSpot token does not start with "pat-". ${hints.hubspotTokenFormat}`);
    }
    this.#apis = createHubSpotApis(token, this.config.baseUrl);
  }

  protected async closeConnection(): Promise<void> {
    this.#apis = undefined;
    this.#properties.clear();
    this.#customObjects.clear();
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const apis = await this.#connected();
    const account = await this.call('testConnection', ({ signal }) => apis.accountDetails(signal));
    return {
      identity: `portal ${account.portalId}`,
      details: {
        portalId: account.portalId,
        ...(account.dataHostingLocation ? { dataHostingLocation: account.dataHostingLocation } : {}),
        ...(account.timeZone ? { timeZone: account.timeZone } : {}),
      },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifyHubSpotError(error, operation, {
      tokenLooksLikePrivateApp: this.#tokenLooksLikePrivateApp,
      scopesFor: (name) => (name === 'listTables' ? ['crm.schemas.custom.read'] : []),
    });
  }

  async #connected(): Promise<HubSpotApis> {
    await this.connect();
    if (!this.#apis) throw new ConnectorError({ message: 'The connector is closed', connector: this.id, operation: 'connect' });
    return this.#apis;
  }

  /** contacts, companies, deals, then the portal's custom objects by name. */
  async listTables(): Promise<string[]> {
    const custom = await this.#customObjects.list();
    return [...standardObjectTypes, ...custom.map((object) => object.name)];
  }

  async describe(table = 'contacts'): Promise<TableSchema> {
    const objectType = await this.#customObjects.objectType(table);
    const properties = await this.#properties.load(objectType);
    return {
      table,
      columns: [
        { name: 'id', type: 'string', sourceType: 'hs_object_id', nullable: false },
        ...[...properties].map(([name, info]) => ({ name, type: columnTypeOf(info.type), sourceType: info.type, nullable: true })),
      ],
    };
  }

  /** Pages of an object's list endpoint, 100 records a page, all properties unless `columns` names some; `since` filters on updatedAt. */
  protected override async *readPages(request: ReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    const apis = await this.#connected();
    const table = request.table ?? 'contacts';
    const objectType = await this.#customObjects.objectType(table);
    const known = await this.#properties.load(objectType);
    yield* readHubSpotList(context, {
      apis,
      table,
      objectType,
      known,
      columns: request.columns,
      maxRows: request.maxRows ?? Number.POSITIVE_INFINITY,
      pageSize: request.pageSize,
      since: request.since,
    });
  }

  /** The spec's `fetch_crm_data`: up to `limit` records of an object, all properties unless named. */
  async fetchCrmData(entity: CrmEntity, options: FetchCrmDataOptions = {}): Promise<Row[]> {
    return this.readAll({
      table: entity,
      ...(options.limit !== undefined ? { maxRows: options.limit } : {}),
      ...(options.properties ? { columns: options.properties } : {}),
      ...(options.since ? { since: options.since } : {}),
    });
  }

  /**
   * `upsert` (the default) matches records on `keyColumn`, email for contacts: a retried batch never
   * duplicates. `append` creates records and is never retried. Objects other than contacts need a
   * keyColumn to upsert.
   */
  protected override resolveWriteRequest(request: HubSpotWriteRequest): HubSpotResolvedWrite {
    const table = request.table ?? 'contacts';
    const mode = request.mode ?? 'upsert';
    const keyColumn = mode === 'upsert' ? (request.keyColumn ?? defaultIdProperty(resolveObjectType(table, []))) : undefined;
    if (mode === 'upsert' && !keyColumn) {
      throw new ConfigError({
        message: `Upserting ${table} needs idProperty (keyColumn): a property with unique values to match records on.`,
        connector: this.id,
        operation: 'write',
        hint: 'Pass idProperty (a property created with "Require unique values"), or updateExisting: false to create records.',
      });
    }
    return { table, mode, keyColumn, createMissingProperties: request.createMissingProperties === true };
  }

  protected override async beginWrite(request: HubSpotResolvedWrite): Promise<WriteSession<unknown>> {
    const apis = await this.#connected();
    const objectType = await this.#customObjects.objectType(request.table ?? 'contacts');
    return beginHubSpotWrite({
      apis,
      objectType,
      idProperty: request.mode === 'upsert' ? request.keyColumn : undefined,
      ...(request.createMissingProperties ? { beforeBatch: (rows: Row[]) => this.#properties.ensure(objectType, rows) } : {}),
    }) as WriteSession<unknown>;
  }

  /**
   * The spec's `write_crm_data`. `updateExisting` (default true) upserts on `idProperty` (email for
   * contacts); `false` creates records. `createMissingProperties` creates, before each batch, the
   * properties its rows use that the object lacks.
   */
  async writeCrmData(rows: RowsInput, options: WriteCrmDataOptions): Promise<WriteResult> {
    const upsert = options.updateExisting ?? true;
    const request: HubSpotWriteRequest = {
      table: options.destination,
      mode: upsert ? 'upsert' : 'append',
      ...(upsert && options.idProperty ? { keyColumn: options.idProperty } : {}),
      ...(options.createMissingProperties ? { createMissingProperties: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    return this.write(rows, request);
  }
}

/** What core's factory and `CRMConnector` call. */
export function createConnector(config: unknown, options: ConnectorOptions = {}): HubSpotConnector {
  return new HubSpotConnector(config as Record<string, unknown>, options);
}
