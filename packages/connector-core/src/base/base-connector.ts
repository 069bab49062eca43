import { inspect } from 'node:util';
import type { Registry } from 'prom-client';
import type { ConnectionConfig, ConnectionType, ConfigOf } from '../config/connection-config.js';
import { parseConnectionConfig } from '../config/parse-connection-config.js';
import { defaultCapabilities, type ConnectorCapabilities } from '../contract/capabilities.js';
import type { Connector } from '../contract/connector.js';
import type { ConnectionTestResult, ReadRequest, RowsInput, WriteRequest, WriteResult } from '../contract/requests.js';
import type { Row, TableSchema } from '../contract/row.js';
import { ConnectorError, UnsupportedOperationError } from '../errors/connector-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { redactingLogger } from '../logging/redacting-logger.js';
import { ConnectorMetrics } from '../metrics/connector-metrics.js';
import { ResiliencePolicy, type CallContext, type CallOptions } from '../policy/resilience-policy.js';
import { quotaKey } from '../policy/shared-limiters.js';
import { Redactor } from '../secrets/redactor.js';
import { Secret } from '../secrets/secret.js';
import { collectPages } from './rows.js';

/** Runtime collaborators, apart from the config: where metrics and logs go. */
export interface ConnectorOptions {
  /** The prom-client registry for metrics; the library's own default registry when omitted, none with null. */
  metricsRegistry?: Registry | null;
  /** A pino-compatible logger; silent when omitted. */
  logger?: Logger;
}

/**
 * What every connector shares: config parsing, the resilience policy, metrics, redaction, lazy
 * connect and idempotent close. A connector implements only how to talk to its system.
 */
export abstract class BaseConnector<T extends ConnectionType> implements Connector {
  readonly id: T;
  readonly config: ConfigOf<T>;
  readonly capabilities: ConnectorCapabilities;
  protected readonly policy: ResiliencePolicy;
  protected readonly logger: Logger;
  protected readonly metrics: ConnectorMetrics;
  protected readonly redactor: Redactor;
  #connecting: Promise<void> | undefined;
  #closed = false;

  protected constructor(
    connectionType: T,
    config: unknown,
    options: ConnectorOptions = {},
    capabilities: Partial<ConnectorCapabilities> = {},
  ) {
    this.id = connectionType;
    this.config = parseConnectionConfig(config, connectionType);
    this.capabilities = { ...defaultCapabilities, ...capabilities };
    this.redactor = new Redactor(secretsOf(this.config));
    this.metrics = ConnectorMetrics.for(options.metricsRegistry);
    this.logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    this.policy = ResiliencePolicy.fromConfig(this.config, {
      metrics: this.metrics,
      logger: this.logger,
      redactor: this.redactor,
      classify: (error, operation) => this.classifyError(error, operation),
      quotaKey: quotaKey([connectionType, ...quotaIdentity(this.config), ...secretsOf(this.config).map((secret) => secret.reveal())]),
    });
  }

  /** Opens the client on first use; a failed connect is forgotten so the next call tries again. */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new ConnectorError({ message: 'The connector is closed', connector: this.id, operation: 'connect' }));
    this.#connecting ??= this.openConnection().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    try {
      await this.connect();
      const probe = await this.probe();
      return { ok: true, connector: this.id, latencyMs: performance.now() - started, ...probe };
    } catch (error) {
      const typed = ConnectorError.isInstance(error) ? error : this.classifyError(error, 'testConnection');
      return {
        ok: false,
        connector: this.id,
        latencyMs: performance.now() - started,
        error: { name: typed.name, message: this.redactor.redact(typed.message), ...(typed.hint ? { hint: typed.hint } : {}) },
      };
    }
  }

  abstract listTables(): Promise<string[]>;
  abstract describe(table?: string): Promise<TableSchema>;
  abstract read(request?: ReadRequest): AsyncIterable<Row[]>;

  async readAll(request: ReadRequest = {}): Promise<Row[]> {
    const maxRows = request.maxRows ?? this.config.maxRows;
    return collectPages(this.read({ ...request, maxRows }), maxRows);
  }

  async write(_rows: RowsInput, _request?: WriteRequest): Promise<WriteResult> {
    throw new UnsupportedOperationError({ message: `The ${this.id} connector cannot write`, connector: this.id, operation: 'write' });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connecting = this.#connecting;
    this.#connecting = undefined;
    if (connecting) {
      await connecting.catch(() => undefined);
      await this.closeConnection();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Runs one remote call through the shared policy (rate limit, timeout, retry, breaker, metrics). */
  protected call<R>(operation: string, fn: (context: CallContext) => Promise<R>, options?: CallOptions): Promise<R> {
    return this.policy.execute(operation, fn, options);
  }

  /** Passes what the server said of its quota (rate-limit headers of a success) to the policy. */
  protected observeServerQuota(quota: { limit?: number; windowMs?: number; remaining?: number; resetInMs?: number }): void {
    this.policy.observeServerQuota(quota);
  }

  /**
   * Meters a streamed local operation that has no remote call to wrap (reading a file page by page):
   * one request with its latency and outcome, the rows of each page, and on failure the same typed,
   * scrubbed, counted and logged error as `call`. No limiter, retry or timeout: a local stream has no
   * quota, and wrapping each page in the policy would hold pages in memory for nothing.
   */
  protected async *meterPages(operation: string, pages: AsyncIterable<Row[]>): AsyncGenerator<Row[]> {
    const started = performance.now();
    let outcome: 'success' | 'error' = 'success';
    try {
      for await (const page of pages) {
        this.metrics.recordRows(this.id, operation, page.length);
        yield page;
      }
    } catch (error) {
      outcome = 'error';
      throw this.policy.failure(operation, error);
    } finally {
      this.metrics.recordRequest(this.id, operation, outcome, (performance.now() - started) / 1000);
    }
  }

  /** Opens clients, checks credentials. Called once, lazily, by `connect()`. */
  protected abstract openConnection(): Promise<void>;
  /** Releases what `openConnection` opened. Called at most once. */
  protected abstract closeConnection(): Promise<void>;
  /** The cheapest call that proves access, returning the identity seen (service account, portal...). */
  protected abstract probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>>;
  /** Maps a vendor failure to a typed error with `retryable`, `retryAfterMs` and a hint. */
  protected abstract classifyError(error: unknown, operation: string): ConnectorError;

  /** Serialises as its connector id and redacted config: safe to log. */
  toJSON(): Record<string, unknown> {
    return { connector: this.id, config: this.config };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), { depth: 4 })}`;
  }
}

/** The non-secret settings that tell one account's quota from another's (endpoint, key file, host). */
function quotaIdentity(config: ConnectionConfig): Array<string | undefined> {
  const fields = config as Partial<Record<'baseUrl' | 'credentialsPath' | 'host' | 'instanceUrl' | 'projectId', string>>;
  return [fields.baseUrl, fields.credentialsPath, fields.host, fields.instanceUrl, fields.projectId];
}

/** Every credential in a config, for the redactor. */
function secretsOf(config: ConnectionConfig): Secret[] {
  return Object.values(config).filter((value): value is Secret => Secret.isInstance(value));
}
