import type { ConnectionConfigInput } from '../config/connection-config.js';
import { normaliseConfigKeys } from '../config/parse-connection-config.js';
import type { Connector } from '../contract/connector.js';
import type { ConnectionTestResult, RowsInput, WriteResult } from '../contract/requests.js';
import type { Row } from '../contract/row.js';
import { ConfigError, UnsupportedOperationError } from '../errors/connector-error.js';
import { createConnector, type CreateConnectorOptions } from '../factory/create-connector.js';
import { crmSystemIds } from '../systems/index.js';

export type CrmType = (typeof crmSystemIds)[number];
export type CrmEntity = 'contacts' | 'companies' | 'deals' | (string & {});

export interface FetchCrmDataOptions {
  limit?: number;
  /** Properties to fetch; all the object's properties when omitted. */
  properties?: string[];
  /** Only records modified at or after this instant. */
  since?: Date;
  signal?: AbortSignal;
}

export interface WriteCrmDataOptions {
  /** The CRM object to write to, e.g. `contacts`. */
  destination: CrmEntity;
  /** true: upsert by `idProperty` (never duplicates on retry); false: create new records. */
  updateExisting?: boolean;
  /** The unique property an upsert matches on; email for contacts by default. */
  idProperty?: string;
  /** Create missing custom properties (e.g. churn_risk, segment) before writing. */
  createMissingProperties?: boolean;
  /** Cancels the write (see Connector.write). */
  signal?: AbortSignal;
}

/** What a CRM connector package adds to the common contract. */
export interface CrmCapableConnector extends Connector {
  fetchCrmData(entity: CrmEntity, options?: FetchCrmDataOptions): Promise<Row[]>;
  writeCrmData(rows: RowsInput, options: WriteCrmDataOptions): Promise<WriteResult>;
}

function isCrmCapable(connector: Connector): connector is CrmCapableConnector {
  return typeof (connector as Partial<CrmCapableConnector>).fetchCrmData === 'function';
}

/**
 * The specification's CRM facade: one class for HubSpot, Salesforce and Pipedrive, chosen by
 * `crmType` (or `connectionType`), the package loaded on first use like any connector.
 */
export class CRMConnector {
  readonly crmType: CrmType;
  readonly #config: Record<string, unknown>;
  readonly #options: CreateConnectorOptions;
  #connector: Promise<CrmCapableConnector> | undefined;

  constructor(config: ConnectionConfigInput | Record<string, unknown>, options: CreateConnectorOptions = {}) {
    const normalised = normaliseConfigKeys(config as Record<string, unknown>);
    const crmType = (normalised.crmType ?? normalised.connectionType) as string | undefined;
    if (!(crmSystemIds as readonly string[]).includes(crmType ?? '')) {
      throw crmConfigError('crmType', `must be one of ${crmSystemIds.join(', ')}`);
    }
    if (normalised.crmType !== undefined && normalised.connectionType !== undefined && normalised.crmType !== normalised.connectionType) {
      throw crmConfigError('connectionType', `"${String(normalised.connectionType)}" conflicts with crmType "${String(normalised.crmType)}"`);
    }
    this.crmType = crmType as CrmType;
    this.#config = { ...normalised, connectionType: crmType, crmType };
    this.#options = options;
  }

  /** The underlying connector, created on first use. */
  connector(): Promise<CrmCapableConnector> {
    this.#connector ??= createConnector(this.#config, this.#options).then((connector) => {
      if (!isCrmCapable(connector)) {
        throw new UnsupportedOperationError({ message: `The ${this.crmType} connector has no CRM interface`, connector: this.crmType });
      }
      return connector;
    });
    this.#connector.catch(() => {
      this.#connector = undefined;
    });
    return this.#connector;
  }

  async connect(): Promise<void> {
    await (await this.connector()).connect();
  }

  async testConnection(): Promise<ConnectionTestResult> {
    return (await this.connector()).testConnection();
  }

  async listTables(): Promise<string[]> {
    return (await this.connector()).listTables();
  }

  async fetchCrmData(entity: CrmEntity, options: FetchCrmDataOptions = {}): Promise<Row[]> {
    return (await this.connector()).fetchCrmData(entity, options);
  }

  async writeCrmData(rows: RowsInput, options: WriteCrmDataOptions): Promise<WriteResult> {
    return (await this.connector()).writeCrmData(rows, options);
  }

  async close(): Promise<void> {
    const pending = this.#connector;
    this.#connector = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toJSON(): Record<string, unknown> {
    return { crmType: this.crmType };
  }
}

function crmConfigError(path: string, message: string): ConfigError {
  const error = new ConfigError({
    message: `Invalid connection config: ${path}: ${message}`,
    operation: 'config',
    hint: 'Set crmType (crm_type) to the CRM you use; connectionType may be left out or must name the same CRM.',
  });
  error.issues = [{ path, message }];
  return error;
}
