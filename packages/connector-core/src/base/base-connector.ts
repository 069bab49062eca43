import { inspect } from 'node:util';
import type { Registry } from 'prom-client';
import type { EnvironmentSource } from '../config/apply-environment.js';
import type { ConfigOf, ConnectionConfig, ConnectionType } from '../config/connection-config.js';
import { parseConnectionConfig } from '../config/parse-connection-config.js';
import { resolveCapabilities, type ConnectorCapabilities } from '../contract/capabilities.js';
import { connectorSpecificationVersion, type Connector } from '../contract/connector.js';
import type { ConnectorContext, ServerQuota } from '../contract/connector-context.js';
import type { ConnectionTestResult, ReadReport, ReadRequest, RowsInput, WriteRequest, WriteResult } from '../contract/requests.js';
import type { Row, TableSchema } from '../contract/row.js';
import type { ResolvedWriteRequest, WriteSession } from '../contract/write-session.js';
import { ConfigError, ConnectorError, UnsupportedOperationError } from '../errors/connector-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { redactingLogger } from '../logging/redacting-logger.js';
import { ConnectorMetrics } from '../metrics/connector-metrics.js';
import { ResiliencePolicy, type CallContext, type CallOptions } from '../policy/resilience-policy.js';
import { quotaKey } from '../policy/shared-limiters.js';
import { Redactor } from '../secrets/redactor.js';
import { Secret } from '../secrets/secret.js';
import { systemDescriptor } from '../systems/index.js';
import { runReadLoop } from './read-loop.js';
import { checkReadRequest, checkWriteRequest } from './request-checks.js';
import { collectPages } from './rows.js';
import { graceAfter, maxCancelGraceMs } from './cancel-grace.js';
import { runWriteLoop, writeResultOf } from './write-loop.js';
import { redactUrl } from './redact-url.js';

/** Runtime collaborators, apart from the config: where metrics and logs go, where credentials come from. */
export interface ConnectorOptions {
  /** The prom-client registry for metrics; the library's own default registry when omitted, none with null. */
  metricsRegistry?: Registry | null;
  /** A pino-compatible logger; silent when omitted. */
  logger?: Logger;
  /**
   * Where unset credentials are looked up: `process.env` by default, another map, or `false` for
   * the config only (a server running connectors for several tenants).
   */
  environment?: EnvironmentSource;
}

/** Errors already scrubbed, counted and logged by the policy: not counted twice on their way out. */
const reported = new WeakSet<object>();

/**
 * What every connector shares: config parsing, the resilience policy, metrics, redaction, lazy
 * connect, idempotent close, and the read and write loops. A connector implements only how to
 * talk to its system: `openConnection`, `probe`, `listTables`, `describe`, `readPages`,
 * `beginWrite` and `classifyError`.
 */
export abstract class BaseConnector<T extends ConnectionType> implements Connector {
  readonly id: T;
  readonly specificationVersion = connectorSpecificationVersion;
  readonly config: ConfigOf<T>;
  readonly capabilities: ConnectorCapabilities;
  protected readonly policy: ResiliencePolicy;
  protected readonly logger: Logger;
  protected readonly metrics: ConnectorMetrics;
  protected readonly redactor: Redactor;
  #connecting: Promise<void> | undefined;
  #opened = false;
  #closed = false;

  protected constructor(connectionType: T, config: unknown, options: ConnectorOptions = {}, capabilities: Partial<ConnectorCapabilities> = {}) {
    this.id = connectionType;
    this.config = parseConnectionConfig(config, connectionType, { environment: options.environment ?? process.env });
    this.capabilities = Object.freeze(resolveCapabilities(capabilities));
    this.redactor = new Redactor(secretsOf(this.config));
    this.metrics = ConnectorMetrics.for(options.metricsRegistry);
    this.logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    const identity = systemDescriptor(connectionType).quotaIdentity.map((key) => {
      const value = (this.config as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : undefined;
    });
    this.policy = ResiliencePolicy.fromConfig(this.config, {
      metrics: this.metrics,
      logger: this.logger,
      redactor: this.redactor,
      classify: (error, operation) => this.classifyError(error, operation),
      quotaKey: quotaKey([connectionType, ...identity, ...secretsOf(this.config).map((secret) => secret.reveal())]),
    });
  }

  /**
   * Opens the client on first use. A failed connect is cleaned up (closeConnection runs on what was
   * half opened) and forgotten, so the next call tries again; its error goes through the policy's
   * failure path like any other (typed, scrubbed, counted, logged).
   */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError('connect'));
    this.#connecting ??= (async () => {
      try {
        await this.openConnection();
        this.#opened = true;
      } catch (error) {
        this.#connecting = undefined;
        await this.closeConnection().catch(() => undefined);
        throw this.#failure('connect', error);
      }
    })();
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
        error: { name: typed.name, message: this.redactor.redact(typed.message), ...(typed.hint ? { hint: this.redactor.redact(typed.hint) } : {}) },
      };
    }
  }

  abstract listTables(): Promise<string[]>;
  abstract describe(table?: string): Promise<TableSchema>;

  /**
   * Pages of rows. Core checks the request against the capabilities (before any I/O), connects,
   * reads one page ahead, stops at maxRows, meters rows, ends with the caller's AbortError when
   * cancelled (stopping the requests in flight) and reports once through `request.onReport`.
   */
  read(request: ReadRequest = {}): AsyncIterable<Row[]> {
    return this.#read(request);
  }

  async *#read(request: ReadRequest): AsyncGenerator<Row[]> {
    this.#assertOpen('read');
    checkReadRequest(this.id, this.capabilities, request);
    const maxRows = request.maxRows ?? this.config.maxRows ?? Number.POSITIVE_INFINITY;
    const controller = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
    const report: ReadReport = { rows: 0, pages: 0, truncated: false, warnings: [] };
    const started = performance.now();
    let outcome: 'success' | 'error' = 'success';
    try {
      signal.throwIfAborted();
      await this.connect();
      const context = this.#context('read', signal, report);
      yield* runReadLoop(this.readPages({ ...request, maxRows: Number.isFinite(maxRows) ? maxRows : undefined, signal }, context), {
        maxRows,
        readAhead: this.capabilities.readAhead,
        signal,
        stop: () => controller.abort(stopped()),
        report,
        onPage: (rows) => this.metrics.recordRows(this.id, 'read', rows),
      });
    } catch (error) {
      outcome = 'error';
      if (request.signal?.aborted) throw request.signal.reason;
      throw this.#failure('read', error);
    } finally {
      controller.abort(stopped());
      if (outcome === 'error' || report.pages > 0 || report.rows === 0) {
        this.metrics.recordRequest(this.id, 'read.stream', outcome, (performance.now() - started) / 1000);
      }
      request.onReport?.(report);
    }
  }

  async readAll(request: ReadRequest = {}): Promise<Row[]> {
    this.#assertOpen('read');
    checkReadRequest(this.id, this.capabilities, request);
    const maxRows = request.maxRows ?? this.config.maxRows;
    return collectPages(this.read({ ...request, ...(maxRows !== undefined ? { maxRows } : {}) }), maxRows);
  }

  /**
   * Writes rows (an array or any iterable, async included). Core checks the mode against the
   * capabilities, connects, asks the connector for a write session, then runs the one write loop
   * (see write-loop.ts for its guarantees). Rejects with the stopping error or the caller's
   * AbortError, either carrying the partial result (`writeResultOf(error)`).
   */
  async write(rows: RowsInput, request: WriteRequest = {}): Promise<WriteResult> {
    this.#assertOpen('write');
    const resolved = this.resolveWriteRequest(request);
    checkWriteRequest(this.id, this.capabilities, request, resolved.mode);
    const signal = request.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    await this.connect();
    // Batches in flight at a cancel are let to answer, for a bounded grace (see cancel-grace.ts).
    const grace = graceAfter(signal, Math.min(maxCancelGraceMs, this.policy.settings.requestTimeoutSeconds * 1000));
    // What the connector warns of during the write (context.warn) goes into the result.
    const notes: Pick<ReadReport, 'warnings'> = { warnings: [] };
    const context = this.#context('write', grace.signal, notes);
    let session: WriteSession<unknown>;
    try {
      session = await this.beginWrite(resolved, context);
    } catch (error) {
      grace.dispose();
      if (signal.aborted) throw signal.reason;
      throw this.#failure('write', error);
    }
    const started = performance.now();
    try {
      const result = await runWriteLoop(session, rows, {
        capabilities: this.capabilities,
        request: resolved,
        context,
        signal,
        failure: (error) => this.#failure('write', error),
        redact: (text) => this.redactor.redact(text),
      });
      this.metrics.recordRows(this.id, 'write', result.written);
      this.metrics.recordRequest(this.id, 'write.stream', 'success', (performance.now() - started) / 1000);
      if (notes.warnings.length > 0) result.warnings = notes.warnings;
      return result;
    } catch (error) {
      this.metrics.recordRequest(this.id, 'write.stream', 'error', (performance.now() - started) / 1000);
      const partial = writeResultOf(error);
      if (partial && notes.warnings.length > 0) partial.warnings = notes.warnings;
      throw error;
    } finally {
      grace.dispose();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connecting = this.#connecting;
    this.#connecting = undefined;
    if (connecting) await connecting.catch(() => undefined);
    if (this.#opened) {
      this.#opened = false;
      await this.closeConnection();
    }
    this.policy.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Runs one remote call through the shared policy (rate limit, timeout, retry, breaker, metrics). */
  protected call<R>(operation: string, fn: (context: CallContext) => Promise<R>, options?: CallOptions): Promise<R> {
    return this.policy.execute(operation, fn, options).catch((error: unknown) => {
      if (typeof error === 'object' && error !== null) reported.add(error);
      throw error;
    });
  }

  /** Passes what the server said of its quota (rate-limit headers of a success) to the policy. */
  protected observeServerQuota(quota: ServerQuota): void {
    this.policy.observeServerQuota(quota);
  }

  /**
   * Meters a streamed local operation that has no remote call to wrap (reading a file page by page):
   * one request with its latency and outcome, the rows of each page, and on failure the same typed,
   * scrubbed, counted and logged error as `call`. Connectors on `readPages` do not need it.
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

  /**
   * The system-specific read: pages of rows for a checked request (`maxRows` is a hint for the page
   * size or a SQL LIMIT; core cuts the stream anyway). Make every remote call with `context.call`.
   */
  protected readPages(_request: ReadRequest, _context: ConnectorContext): AsyncIterable<Row[]> {
    throw new UnsupportedOperationError({ message: `The ${this.id} connector cannot read`, connector: this.id, operation: 'read' });
  }

  /** The system-specific write: a session for one write (see WriteSession). */
  protected beginWrite(_request: ResolvedWriteRequest, _context: ConnectorContext): Promise<WriteSession<unknown>> {
    throw new UnsupportedOperationError({ message: `The ${this.id} connector cannot write`, connector: this.id, operation: 'write' });
  }

  /**
   * The write's table, mode and key with this connector's defaults: the first declared mode, and
   * no default key (an upsert without `keyColumn` is a ConfigError unless a connector supplies one).
   */
  protected resolveWriteRequest(request: WriteRequest): ResolvedWriteRequest {
    const mode = request.mode ?? this.capabilities.writeModes[0] ?? 'append';
    if (mode === 'upsert' && !request.keyColumn && this.capabilities.write) {
      const error = new ConfigError({
        message: 'Invalid write request: keyColumn: is required for an upsert',
        connector: this.id,
        operation: 'write',
        hint: 'Name the column the upsert matches records on.',
      });
      error.issues = [{ path: 'keyColumn', message: 'is required for an upsert' }];
      throw error;
    }
    return { table: request.table, mode, keyColumn: request.keyColumn };
  }

  /** Opens clients, checks credentials. Called once, lazily, by `connect()`. */
  protected abstract openConnection(): Promise<void>;
  /** Releases what `openConnection` opened, also after it failed half way. Called at most once per open. */
  protected abstract closeConnection(): Promise<void>;
  /** The cheapest call that proves access, returning the identity seen (service account, portal...). */
  protected abstract probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>>;
  /** Maps a vendor failure to a typed error with `retryable`, `retryAfterMs` and a hint. */
  protected abstract classifyError(error: unknown, operation: string): ConnectorError;

  /** Serialises as its connector id and redacted config (credentials in a baseUrl masked too): safe to log. */
  toJSON(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.config };
    if (typeof config.baseUrl === 'string') config.baseUrl = redactUrl(config.baseUrl);
    return { connector: this.id, config };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), { depth: 4 })}`;
  }

  #context(operation: string, signal: AbortSignal, report?: Pick<ReadReport, 'warnings'>): ConnectorContext {
    return {
      connector: this.id,
      signal,
      // Writes settle abandoned attempts: a timed-out request that lands late must be answered
      // before a later batch naming the same keys is sent (the last row per key wins).
      call: (name, fn, options) =>
        this.call(name, fn, {
          ...(operation === 'write' ? { settleAbandoned: true } : {}),
          ...options,
          signal: options?.signal ? AbortSignal.any([signal, options.signal]) : signal,
        }),
      recordBytes: (direction, bytes) => this.metrics.recordBytes(this.id, direction === 'read' ? operation : 'write', bytes),
      observeServerQuota: (quota) => this.observeServerQuota(quota),
      warn: (code, message) => {
        report?.warnings.push({ code, message });
        this.logger.warn({ connector: this.id, operation, code }, message);
      },
      logger: this.logger,
    };
  }

  #failure(operation: string, error: unknown): Error {
    if (typeof error === 'object' && error !== null && reported.has(error)) return error as Error;
    const final = this.policy.failure(operation, error);
    reported.add(final);
    return final;
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw this.#closedError(operation);
  }

  #closedError(operation: string): ConnectorError {
    return new ConnectorError({
      message: 'The connector is closed',
      connector: this.id,
      operation,
      hint: 'Create a new connector; a closed one cannot be reopened.',
    });
  }
}

function stopped(): DOMException {
  return new DOMException('The read stopped before the end', 'AbortError');
}

/** Every credential in a config, for the redactor. */
function secretsOf(config: ConnectionConfig): Secret[] {
  return Object.values(config).filter((value): value is Secret => Secret.isInstance(value));
}
