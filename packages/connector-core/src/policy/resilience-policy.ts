import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { policyDefaults, rateDefaults } from '../config/defaults.js';
import type { ConnectionConfig } from '../config/connection-config.js';
import { ConnectorError, TransientError } from '../errors/connector-error.js';
import { isTransientNetworkError } from '../errors/http-status.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { ConnectorMetrics } from '../metrics/connector-metrics.js';
import { Redactor } from '../secrets/redactor.js';
import { JitteredBackoff } from './backoff.js';
import { SlidingWindowRateLimiter } from './rate-limiter.js';
import { sharedLimiter } from './shared-limiters.js';

/** Turns whatever the SDK threw into a typed error; connectors supply one, core applies it. */
export type ErrorClassifier = (error: unknown, operation: string) => ConnectorError;

export interface PolicySettings {
  connector: string;
  requestsPerMinute: number;
  rateLimitWindowSeconds: number;
  maxRetries: number;
  retryBackoffSeconds: number;
  retryBackoffFactor: number;
  maxBackoffSeconds: number;
  requestTimeoutSeconds: number;
  circuitBreakerThreshold: number;
  circuitBreakerHalfOpenSeconds: number;
}

export interface PolicyDependencies {
  metrics?: ConnectorMetrics;
  logger?: Logger;
  redactor?: Redactor;
  classify?: ErrorClassifier;
  /**
   * Identifies the quota this policy draws on (see shared-limiters.ts): policies with the same key
   * and rate share one limiter. Without it the policy has a limiter of its own.
   */
  quotaKey?: string;
}

export interface CallContext {
  /** Aborted when the attempt times out or the caller cancels: pass it to the SDK. */
  signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry... */
  attempt: number;
}

export interface CallOptions {
  /**
   * Whether repeating the call is harmless. Reads are; a write is only when it carries an
   * idempotency key (an upsert key, a deterministic job id, a computed range). Defaults to true.
   */
  idempotent?: boolean;
  signal?: AbortSignal;
  /**
   * false for a long local operation (writing a large file) that has no remote system to wait for:
   * the per-attempt timeout is for requests, not for a job whose length grows with its input.
   */
  timeout?: boolean;
}

/** The settings of a config, with the specification's and the vendors' defaults filled in. */
export function policySettingsFrom(config: ConnectionConfig): PolicySettings {
  const rate = rateDefaults[config.connectionType];
  return {
    connector: config.connectionType,
    requestsPerMinute: config.requestsPerMinute ?? rate.requestsPerMinute,
    rateLimitWindowSeconds: config.rateLimitWindowSeconds ?? rate.windowSeconds,
    maxRetries: config.maxRetries ?? policyDefaults.maxRetries,
    retryBackoffSeconds: config.retryBackoffSeconds ?? policyDefaults.retryBackoffSeconds,
    retryBackoffFactor: config.retryBackoffFactor ?? policyDefaults.retryBackoffFactor,
    maxBackoffSeconds: config.maxBackoffSeconds ?? policyDefaults.maxBackoffSeconds,
    requestTimeoutSeconds: config.requestTimeoutSeconds ?? policyDefaults.requestTimeoutSeconds,
    circuitBreakerThreshold: policyDefaults.circuitBreakerThreshold,
    circuitBreakerHalfOpenSeconds: policyDefaults.circuitBreakerHalfOpenSeconds,
  };
}

function defaultClassify(connector: string): ErrorClassifier {
  return (error, operation) => {
    if (ConnectorError.isInstance(error)) return error;
    if (isTransientNetworkError(error)) {
      return new TransientError({ message: `Network failure: ${(error as Error).message}`, connector, operation, cause: error });
    }
    return new ConnectorError({ message: error instanceof Error ? error.message : String(error), connector, operation, cause: error });
  };
}

/**
 * The one resilience policy every remote call of every connector goes through:
 *
 *   metrics( retry( breaker( rateLimit( timeout( call )))))
 *
 * - retry is outermost so each retry goes back through the breaker and takes a fresh rate-limit slot:
 *   retries count against the quota like any request;
 * - the breaker sits outside the limiter, so an open circuit fails fast without spending a slot;
 * - the timeout covers one attempt (the SDK call), not the wait for a slot.
 * Retries happen only for failures the connector classified as retryable (429, 5xx, resets,
 * timeouts), only for idempotent calls, and never sooner than the server's Retry-After.
 */
export class ResiliencePolicy {
  readonly settings: PolicySettings;
  readonly limiter: SlidingWindowRateLimiter | undefined;
  readonly metrics: ConnectorMetrics;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly #classify: ErrorClassifier;
  readonly #retry: RetryPolicy;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #timeout: TimeoutPolicy;

  constructor(settings: PolicySettings, dependencies: PolicyDependencies = {}) {
    this.settings = settings;
    this.metrics = dependencies.metrics ?? ConnectorMetrics.for(null);
    this.logger = dependencies.logger ?? silentLogger;
    this.redactor = dependencies.redactor ?? new Redactor();
    this.#classify = dependencies.classify ?? defaultClassify(settings.connector);
    const windowMs = settings.rateLimitWindowSeconds * 1000;
    const limit = Math.floor((settings.requestsPerMinute * settings.rateLimitWindowSeconds) / 60);
    this.limiter =
      settings.requestsPerMinute <= 0
        ? undefined
        : dependencies.quotaKey
          ? sharedLimiter(dependencies.quotaKey, Math.max(1, limit), windowMs)
          : new SlidingWindowRateLimiter({ limit: Math.max(1, limit), windowMs });

    this.#retry = retry(
      handleWhen((error) => ConnectorError.isInstance(error) && error.retryable),
      {
        maxAttempts: settings.maxRetries,
        backoff: new JitteredBackoff({
          initialDelayMs: settings.retryBackoffSeconds * 1000,
          factor: settings.retryBackoffFactor,
          maxDelayMs: settings.maxBackoffSeconds * 1000,
        }),
      },
    );
    // Only failures that say "the system is unwell" open the circuit: a 429 is the system working.
    this.#breaker = circuitBreaker(
      handleWhen((error) => TransientError.isInstance(error)),
      {
        halfOpenAfter: settings.circuitBreakerHalfOpenSeconds * 1000,
        breaker: new ConsecutiveBreaker(settings.circuitBreakerThreshold),
      },
    );
    // Aggressive: a hung SDK call is abandoned at the deadline even if it ignores the signal.
    // abortOnReturn false: a call that completed has nothing to cancel, and aborting its signal
    // anyway costs an AbortError (with a stack trace) per request on the hot path of every read.
    this.#timeout = timeout(settings.requestTimeoutSeconds * 1000, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  }

  static fromConfig(config: ConnectionConfig, dependencies: PolicyDependencies = {}): ResiliencePolicy {
    return new ResiliencePolicy(policySettingsFrom(config), dependencies);
  }

  /** Runs one remote call under the policy. `operation` labels metrics and errors (`read`, `write`...). */
  async execute<T>(operation: string, call: (context: CallContext) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const { connector } = this.settings;
    const idempotent = options.idempotent ?? true;
    const started = performance.now();
    let attempt = 0;

    const once = async (): Promise<T> => {
      attempt += 1;
      if (attempt > 1) {
        this.metrics.recordRetry(connector, operation);
        this.logger.warn({ connector, operation, attempt }, 'retrying after a retryable failure');
      }
      return this.#breaker.execute(async () => {
        const slot = await this.limiter?.acquire(options.signal);
        if (slot) this.metrics.recordRateLimitWait(connector, slot.waitedMs);
        try {
          if (options.timeout === false) return await call({ signal: options.signal ?? new AbortController().signal, attempt });
          return await this.#timeout.execute(({ signal }) => call({ signal, attempt }), options.signal);
        } catch (error) {
          // Cancelled by the caller: never retried, ends with the caller's reason.
          if (options.signal?.aborted) throw options.signal.reason;
          const classified = this.#toConnectorError(error, operation);
          if (classified.kind === 'rate-limited' && classified.retryAfterMs && this.limiter) {
            this.limiter.pauseUntil(Date.now() + classified.retryAfterMs);
          }
          throw classified;
        } finally {
          slot?.release();
        }
      });
    };

    try {
      const result = idempotent && this.settings.maxRetries > 0 ? await this.#retry.execute(once, options.signal) : await once();
      this.metrics.recordRequest(connector, operation, 'success', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.recordRequest(connector, operation, 'error', (performance.now() - started) / 1000);
      throw this.failure(operation, options.signal?.aborted ? options.signal.reason : error, attempt);
    }
  }

  /**
   * What the server said of its quota on a successful response (vendor rate-limit headers): a
   * stricter quota than configured is adopted, and an exhausted budget that our own accounting does
   * not explain (another client of the same account spends it) pauses every caller until it refills.
   */
  observeServerQuota(quota: { limit?: number; windowMs?: number; remaining?: number; resetInMs?: number }): void {
    const limiter = this.limiter;
    if (!limiter) return;
    if (quota.limit !== undefined && quota.windowMs !== undefined && limiter.tightenTo(quota.limit, quota.windowMs)) {
      this.logger.warn(
        { connector: this.settings.connector, limit: quota.limit, windowMs: quota.windowMs },
        'the server announces a stricter rate limit than configured; using it',
      );
    }
    if (quota.remaining !== undefined && quota.remaining <= 0 && limiter.delayNow() === 0) {
      limiter.pauseUntil(Date.now() + (quota.resetInMs ?? quota.windowMs ?? limiter.windowMs));
    }
  }

  /**
   * The error that leaves the library for a failed operation: classified, scrubbed of credentials,
   * counted in `ml_connectors_errors_total` and logged. `execute` uses it; so does a connector that
   * meters a streamed local operation with no remote call to wrap (see BaseConnector.meterPages).
   */
  failure(operation: string, error: unknown, attempts = 1): Error {
    const { connector } = this.settings;
    // The caller cancelled: end with the caller's AbortError, as fetch and streams do; not a failure
    // of the system, so it is counted apart and not logged as an error.
    if ((error as { name?: string } | null)?.name === 'AbortError') {
      this.metrics.recordError(connector, operation, 'aborted');
      return error as Error;
    }
    const final = this.#sanitise(this.#toConnectorError(error, operation));
    this.metrics.recordError(connector, operation, final.kind);
    this.logger.error({ connector, operation, attempts, error: final.toJSON() }, final.message);
    return final;
  }

  #toConnectorError(error: unknown, operation: string): ConnectorError {
    const { connector } = this.settings;
    if (ConnectorError.isInstance(error)) return error;
    if (error instanceof TaskCancelledError) {
      if (error.message.includes('timed out') || !(error as { cause?: unknown }).cause) {
        return new TransientError({
          message: `${operation} timed out after ${this.settings.requestTimeoutSeconds}s`,
          connector,
          operation,
          hint: 'Raise requestTimeoutSeconds for slow bulk operations, or read in smaller pages.',
        });
      }
    }
    if (error instanceof BrokenCircuitError) {
      return new TransientError({
        message: `${connector} is failing repeatedly; calls are paused for ${this.settings.circuitBreakerHalfOpenSeconds}s (circuit open)`,
        connector,
        operation,
        retryable: false,
        hint: 'The system returned several transient failures in a row. Check its status page, then retry.',
      });
    }
    // Socket-level failures look the same whatever the SDK: core recognises them for every connector.
    if (isTransientNetworkError(error)) {
      return new TransientError({ message: `Network failure during ${operation}: ${(error as Error).message}`, connector, operation, cause: error });
    }
    return this.#classify(error, operation);
  }

  /**
   * The error that leaves the library: its message scrubbed of every registered credential, and
   * the vendor error it wraps reduced to name, code and scrubbed message (an SDK error object can
   * carry the request's headers, and with them the token).
   */
  #sanitise(error: ConnectorError): ConnectorError {
    const redact = (text: string) => this.redactor.redact(text);
    error.message = redact(error.message);
    if (error.stack) error.stack = redact(error.stack);
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) {
      const summary = new Error(redact(cause instanceof Error ? cause.message : String(cause)));
      summary.name = cause instanceof Error ? cause.name : 'Error';
      summary.stack = `${summary.name}: ${summary.message}`;
      const code = (cause as { code?: unknown }).code;
      if (typeof code === 'string' || typeof code === 'number') (summary as { code?: unknown }).code = code;
      Object.defineProperty(error, 'cause', { value: summary, enumerable: false, writable: true, configurable: true });
    }
    return error;
  }
}
