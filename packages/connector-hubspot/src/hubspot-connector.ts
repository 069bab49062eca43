import {
  BaseConnector,
  ConfigError,
  ConnectorError,
  DataError,
  PermissionError,
  UnsupportedOperationError,
  credentialEnvironmentVariables,
  estimateBytes,
  hints,
  iterateRows,
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
import { mapBatchAnswer, normaliseKey, type BatchAnswer, type PendingRow } from './hubspot-batch-result.js';
import { createHubSpotApis, type HubSpotApis } from './hubspot-client.js';
import { classifyHubSpotError } from './hubspot-errors.js';
import {
  defaultIdProperty,
  defaultPropertyGroup,
  resolveObjectType,
  scopeFamily,
  standardObjectTypes,
  type CustomObjectType,
} from './hubspot-object-types.js';
import { toHubSpotProperties, toRow } from './convert-hubspot-record.js';
import { columnTypeOf, inferPropertyDefinition } from './map-hubspot-property-type.js';

/** The config the connector takes: `apiKey` (or HUBSPOT_API_KEY) plus core's shared keys. */
export type HubSpotConnectorConfig = Omit<ConfigInputOf<'hubspot'>, 'connectionType'> & { connectionType?: 'hubspot' };

/** HubSpot's limit for list pages and batch inputs. */
const hubSpotPageLimit = 100;

interface PropertyInfo {
  type: string;
  groupName: string;
}

/**
 * HubSpot CRM on the official @hubspot/api-client: list-endpoint reads with `after` paging, batch
 * upserts keyed on a unique property (email for contacts) so a retried batch never duplicates, batch
 * creates that are never retried, properties created on request, per-row failures from HubSpot's
 * 207 answers. Every request goes through core's policy; the SDK's own limiter and retries are off.
 */
export class HubSpotConnector extends BaseConnector<'hubspot'> implements CrmCapableConnector {
  #apis: HubSpotApis | undefined;
  #tokenLooksLikePrivateApp = true;
  #properties = new Map<string, Promise<Map<string, PropertyInfo>>>();
  #customObjects: Promise<CustomObjectType[]> | undefined;

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
    this.#customObjects = undefined;
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
    const custom = await this.#loadCustomObjects();
    return [...standardObjectTypes, ...custom.map((object) => object.name)];
  }

  /**
   * The custom objects, read once. A token without `crm.schemas.custom.read` (the spec's scope list
   * has none) still lists the standard objects: a warning, not a failure.
   */
  #loadCustomObjects(): Promise<CustomObjectType[]> {
    this.#customObjects ??= (async () => {
      const apis = await this.#connected();
      try {
        const answer = await this.call('listTables', () => apis.schemas.getAll());
        return answer.results.map((schema) => ({
          name: schema.name,
          objectTypeId: schema.objectTypeId ?? schema.id,
          fullyQualifiedName: schema.fullyQualifiedName ?? schema.name,
        }));
      } catch (error) {
        if (!PermissionError.isInstance(error)) throw error;
        this.logger.warn({ connector: this.id, operation: 'listTables' }, `Custom objects not listed: ${error.message}. ${error.hint ?? ''}`);
        return [];
      }
    })();
    this.#customObjects.catch(() => {
      this.#customObjects = undefined;
    });
    return this.#customObjects;
  }

  async #objectType(table: string): Promise<string> {
    const standard = resolveObjectType(table, []);
    if (standard !== table || (standardObjectTypes as readonly string[]).includes(table)) return standard;
    return resolveObjectType(table, await this.#loadCustomObjects());
  }

  /** The object's properties (name -> type), read once per object type and connection. */
  #loadProperties(objectType: string): Promise<Map<string, PropertyInfo>> {
    let pending = this.#properties.get(objectType);
    if (!pending) {
      pending = (async () => {
        const apis = await this.#connected();
        const answer = await this.call('describe', () => apis.properties.getAll(objectType, false));
        return new Map(answer.results.map((property) => [property.name, { type: property.type, groupName: property.groupName }]));
      })();
      this.#properties.set(objectType, pending);
      pending.catch(() => this.#properties.delete(objectType));
    }
    return pending;
  }

  async describe(table = 'contacts'): Promise<TableSchema> {
    const objectType = await this.#objectType(table);
    const properties = await this.#loadProperties(objectType);
    return {
      table,
      columns: [
        { name: 'id', type: 'string', sourceType: 'hs_object_id', nullable: false },
        ...[...properties].map(([name, info]) => ({ name, type: columnTypeOf(info.type), sourceType: info.type, nullable: true })),
      ],
    };
  }

  /**
   * Pages through GET /crm/v3/objects/{type} (not search, which stops at 10,000 results), 100
   * records a page, fetching the next page only when the consumer asks. All properties of the
   * object by default. `since` keeps records whose `updatedAt` (HubSpot's last-modified instant) is
   * at or after it: the list endpoint has no modified-since filter, so this is a full scan filtered
   * here, in bounded memory.
   */
  async *read(request: ReadRequest = {}): AsyncGenerator<Row[]> {
    const apis = await this.#connected();
    const table = request.table ?? 'contacts';
    const objectType = await this.#objectType(table);
    const known = await this.#loadProperties(objectType);
    const columns = (request.columns ?? [...known.keys()]).filter((column) => column !== 'id');
    const unknown = columns.filter((column) => !known.has(column));
    if (unknown.length > 0) {
      throw new DataError({
        message: `${table} has no properties named ${unknown.join(', ')}`,
        connector: this.id,
        operation: 'read',
        code: 'PROPERTY_DOESNT_EXIST',
        hint: 'describe() lists the properties of the object.',
      });
    }
    const types = new Map([...known].map(([name, info]) => [name, info.type]));
    const maxRows = request.maxRows ?? this.config.maxRows ?? Number.POSITIVE_INFINITY;
    const pageSize = Math.max(1, Math.min(hubSpotPageLimit, request.pageSize ?? hubSpotPageLimit));
    const since = request.since?.getTime();
    let after: string | undefined;
    let delivered = 0;
    while (delivered < maxRows) {
      const limit = Math.min(pageSize, since === undefined ? maxRows - delivered : pageSize);
      const cursor = after;
      const page = await this.call('read', () => apis.objects.getPage(objectType, limit, cursor, columns, undefined, undefined, false), {
        signal: request.signal,
      });
      const rows: Row[] = [];
      for (const record of page.results) {
        if (since !== undefined && new Date(record.updatedAt).getTime() < since) continue;
        if (delivered + rows.length >= maxRows) break;
        rows.push(toRow(record, types));
      }
      if (rows.length > 0) {
        delivered += rows.length;
        this.metrics.recordRows(this.id, 'read', rows.length);
        this.metrics.recordBytes(this.id, 'read', estimateBytes(rows));
        yield rows;
      }
      after = page.paging?.next?.after;
      if (!after) break;
    }
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
    const objectType = await this.#objectType(options.destination);
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
    const result: WriteResult & { created: number; updated: number } = { received: 0, written: 0, created: 0, updated: 0, failed: [], destination: objectType };
    if (options.createMissingProperties && Array.isArray(rows)) await this.#ensureProperties(objectType, rows as readonly Row[]);

    let batch: PendingRow[] = [];
    let keys = new Set<string>();
    const flush = async () => {
      if (batch.length === 0) return;
      const sending = batch;
      batch = [];
      keys = new Set();
      if (options.createMissingProperties) await this.#ensureProperties(objectType, sending.map((entry) => entry.row));
      await this.#sendBatch(apis, objectType, sending, idProperty, result);
    };

    for await (const row of iterateRows(rows)) {
      const index = result.received++;
      const properties = toHubSpotProperties(row);
      let key: string | undefined;
      if (idProperty) {
        const value = properties[idProperty];
        if (!value) {
          result.failed.push({ index, row, reason: `The row has no ${idProperty}, which the upsert matches records on.`, code: 'MISSING_ID_PROPERTY' });
          continue;
        }
        key = normaliseKey(idProperty, value);
        // HubSpot refuses a batch that names one record twice: the second occurrence goes in the next batch.
        if (keys.has(key)) await flush();
        keys.add(key);
      }
      batch.push({ index, row, properties, ...(key !== undefined ? { key } : {}) });
      if (batch.length >= hubSpotPageLimit) await flush();
    }
    await flush();
    result.failed.sort((left, right) => left.index - right.index);
    this.metrics.recordRows(this.id, 'write', result.written);
    return result;
  }

  /** Sends one batch and accounts for each of its rows in `result`. */
  async #sendBatch(apis: HubSpotApis, objectType: string, batch: PendingRow[], idProperty: string | undefined, result: WriteResult & { created: number; updated: number }): Promise<void> {
    const traced = batch.map((entry) => ({ properties: entry.properties, objectWriteTraceId: String(entry.index) }));
    let answer: BatchAnswer;
    try {
      answer = idProperty
        ? await this.call('writeCrmData', () =>
            apis.batch.upsert(objectType, { inputs: batch.map((entry, position) => ({ ...traced[position]!, idProperty, id: entry.properties[idProperty]! })) }),
          )
        : await this.call('writeCrmData', () => apis.batch.create(objectType, { inputs: traced.map((input) => ({ ...input, associations: [] })) }), {
            idempotent: false,
          });
      this.metrics.recordBytes(this.id, 'write', estimateBytes(batch.map((entry) => entry.properties)));
    } catch (error) {
      if (!ConnectorError.isInstance(error)) throw error;
      if (error.code === 'PROPERTY_DOESNT_EXIST') {
        throw new DataError({
          message: `${error.message} (${objectType}; ${result.written} rows of this write were stored before this batch)`,
          connector: this.id,
          operation: 'writeCrmData',
          code: error.code,
          status: error.status,
          hint: error.hint,
        });
      }
      // A 400 for the whole batch (HubSpot validates some batches all-or-nothing): halve it until the
      // bad rows stand alone, so one bad row never sinks the other 99.
      if (DataError.isInstance(error) && error.status === 400 && batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        await this.#sendBatch(apis, objectType, batch.slice(0, middle), idProperty, result);
        await this.#sendBatch(apis, objectType, batch.slice(middle), idProperty, result);
        return;
      }
      const rowLevel = DataError.isInstance(error) || error.kind === 'transient' || error.kind === 'rate-limited';
      if (!rowLevel) throw error;
      const note = !idProperty && error.kind !== 'data' ? ' (a create is never retried, so it cannot duplicate: check HubSpot before sending these rows again)' : '';
      for (const entry of batch) result.failed.push({ index: entry.index, row: entry.row, reason: `${error.message}${note}`, ...(error.code ? { code: error.code } : {}) });
      return;
    }
    const outcome = mapBatchAnswer(batch, answer, idProperty);
    result.created += outcome.created;
    result.updated += outcome.updated;
    result.written += outcome.created + outcome.updated;
    result.failed.push(...outcome.failed);
  }

  /** Creates, before writing, the properties the rows use that the object lacks (when the caller asked for it). */
  async #ensureProperties(objectType: string, rows: readonly Row[]): Promise<void> {
    const known = await this.#loadProperties(objectType);
    const missing = new Map<string, Row[keyof Row][]>();
    for (const row of rows) {
      for (const name of Object.keys(toHubSpotProperties(row))) {
        if (known.has(name)) continue;
        const values = missing.get(name) ?? [];
        values.push(row[name]);
        missing.set(name, values);
      }
    }
    if (missing.size === 0) return;
    const apis = await this.#connected();
    const groupName = defaultPropertyGroup(objectType) ?? [...known.values()][0]?.groupName ?? `${objectType}_information`;
    for (const [name, values] of missing) {
      const definition = inferPropertyDefinition(name, values.filter((value) => value !== undefined), groupName);
      try {
        // Idempotent: a retry after a lost answer meets 409 "already exists", taken as success below.
        await this.call('createProperty', () => apis.properties.create(objectType, definition as never));
      } catch (error) {
        if (!(ConnectorError.isInstance(error) && error.status === 409)) {
          if (PermissionError.isInstance(error) && !error.hint?.includes('crm.schemas')) {
            throw new PermissionError({
              message: error.message,
              connector: this.id,
              operation: 'createProperty',
              status: error.status,
              hint: hints.hubspotScopes([`crm.schemas.${scopeFamily(objectType)}.write`]),
            });
          }
          throw error;
        }
      }
      known.set(name, { type: definition.type, groupName });
      this.logger.info({ connector: this.id, objectType, property: name, type: definition.type }, 'created a missing HubSpot property');
    }
  }
}

/** What core's factory and `CRMConnector` call. */
export function createConnector(config: unknown, options: ConnectorOptions = {}): HubSpotConnector {
  return new HubSpotConnector(config as Record<string, unknown>, options);
}
