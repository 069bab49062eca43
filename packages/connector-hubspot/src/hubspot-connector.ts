import {
  BaseConnector,
  ConfigError,
  ConnectorError,
  UnsupportedOperationError,
  credentialEnvironmentVariables,
  hints,
  resolveCredential,
  type ConfigInputOf,
  type ConnectionTestResult,
  type ConnectorOptions,
  type CrmCapableConnector,
  type CrmEntity,
  type FetchCrmDataOptions,
  type ReadRequest,
  type Row,
  type RowsInput,
  type TableSchema,
  type WriteCrmDataOptions,
  type WriteRequest,
  type WriteResult,
} from '@automl/connector-core';
import { createHubSpotApis, type HubSpotApis } from './hubspot-client.js';
import { HubSpotCustomObjects } from './hubspot-custom-objects.js';
import { classifyHubSpotError } from './hubspot-errors.js';
import { hubSpotPageLimit } from './hubspot-limits.js';
import { readHubSpotList } from './hubspot-list-reader.js';
import { defaultIdProperty, standardObjectTypes } from './hubspot-object-types.js';
import { HubSpotProperties } from './hubspot-properties.js';
import type { HubSpotRemoteContext } from './hubspot-remote-context.js';
import { quotaFromHeaders } from './hubspot-rate-limit-headers.js';
import { writeHubSpotBatches, type HubSpotWriteResult } from './hubspot-write-batches.js';
import { columnTypeOf } from './map-hubspot-property-type.js';

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
  /** How the modules below reach HubSpot: only through this connector's `call`, so through core's policy. */
  readonly #remote: HubSpotRemoteContext = {
    connectorId: this.id,
    call: (operation, fn, options) => this.call(operation, fn, options),
    connected: () => this.#connected(),
    metrics: this.metrics,
    logger: this.logger,
    observeHeaders: (headers) => {
      const quota = quotaFromHeaders(headers);
      if (quota) this.observeServerQuota(quota);
    },
  };
  readonly #properties = new HubSpotProperties(this.#remote);
  readonly #customObjects = new HubSpotCustomObjects(this.#remote);

  constructor(config: HubSpotConnectorConfig | Record<string, unknown> = {}, options: ConnectorOptions = {}) {
    super('hubspot', config, options, {
      read: true,
      write: true,
      supportsUpsert: true,
      maxRecordsPerWrite: hubSpotPageLimit,
      supportsIncrementalRead: true,
    });
  }

  /** Resolves the token and builds the SDK client. No request is made: the first call (or testConnection) checks the token. */
  protected async openConnection(): Promise<void> {
    const credential = resolveCredential(this.config.apiKey, credentialEnvironmentVariables.hubspot);
    if (!credential) {
      throw new ConfigError({
        message: 'No HubSpot access token: set apiKey (api_key) in the config or HUBSPOT_API_KEY in the environment.',
        connector: this.id,
        operation: 'connect',
        hint: hints.hubspotTokenFormat,
      });
    }
    // A token from the environment is not part of the config: register it for redaction too.
    this.redactor.add(credential.secret);
    const token = credential.secret.reveal();
    this.#tokenLooksLikePrivateApp = token.startsWith('pat-');
    if (!this.#tokenLooksLikePrivateApp) {
      this.logger.warn({ connector: this.id, source: credential.source }, `The HubSpot token does not start with "pat-". ${hints.hubspotTokenFormat}`);
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
    const account = await this.call('testConnection', () => apis.accountDetails());
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

  /**
   * Pages through the object's list endpoint, 100 records a page, fetched only when the consumer
   * asks (see readHubSpotList). All properties of the object by default; `since` keeps records
   * updated at or after it.
   */
  override async *read(request: ReadRequest = {}): AsyncGenerator<Row[]> {
    const apis = await this.#connected();
    const table = request.table ?? 'contacts';
    const objectType = await this.#customObjects.objectType(table);
    const known = await this.#properties.load(objectType);
    yield* readHubSpotList(this.#remote, {
      apis,
      table,
      objectType,
      known,
      columns: request.columns,
      maxRows: request.maxRows ?? this.config.maxRows ?? Number.POSITIVE_INFINITY,
      pageSize: request.pageSize,
      since: request.since,
      signal: request.signal,
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

  /** The generic contract: `upsert` (keyed on `keyColumn`, email by default for contacts) or `append` (create). */
  override async write(rows: RowsInput, request: WriteRequest = {}): Promise<WriteResult> {
    if (request.mode === 'overwrite') {
      throw new UnsupportedOperationError({
        message: 'HubSpot has no overwrite: use mode "upsert" (match on a unique property) or "append" (create records).',
        connector: this.id,
        operation: 'write',
      });
    }
    return this.writeCrmData(rows, {
      destination: request.table ?? 'contacts',
      updateExisting: request.mode !== 'append',
      ...(request.keyColumn ? { idProperty: request.keyColumn } : {}),
    });
  }

  /**
   * The spec's `write_crm_data`. `updateExisting` (default true) upserts in batches of 100 keyed on
   * `idProperty` (email for contacts), retried safely by core's policy; `false` creates records,
   * never retried (a retried create could duplicate): rows of a create that failed are reported as
   * failed with the reason. Rows are streamed: memory holds one batch.
   */
  async writeCrmData(rows: RowsInput, options: WriteCrmDataOptions): Promise<WriteResult> {
    const apis = await this.#connected();
    const objectType = await this.#customObjects.objectType(options.destination);
    const upsert = options.updateExisting ?? true;
    const idProperty = upsert ? (options.idProperty ?? defaultIdProperty(objectType)) : undefined;
    if (upsert && !idProperty) {
      throw new ConfigError({
        message: `Upserting ${options.destination} needs idProperty: a property with unique values to match records on.`,
        connector: this.id,
        operation: 'writeCrmData',
        hint: 'Pass idProperty (a property created with "Require unique values"), or updateExisting: false to create records.',
      });
    }
    const result: HubSpotWriteResult = { received: 0, written: 0, created: 0, updated: 0, failed: [], destination: objectType };
    if (options.createMissingProperties && Array.isArray(rows)) await this.#properties.ensure(objectType, rows as readonly Row[]);
    await writeHubSpotBatches(this.#remote, rows, {
      apis,
      objectType,
      idProperty,
      ...(options.createMissingProperties ? { beforeBatch: (batchRows: Row[]) => this.#properties.ensure(objectType, batchRows) } : {}),
    }, result);
    this.metrics.recordRows(this.id, 'write', result.written);
    return result;
  }
}

/** What core's factory and `CRMConnector` call. */
export function createConnector(config: unknown, options: ConnectorOptions = {}): HubSpotConnector {
  return new HubSpotConnector(config as Record<string, unknown>, options);
}
