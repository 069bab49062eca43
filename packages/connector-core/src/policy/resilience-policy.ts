import { BrokenCircuitError, TaskCancelledError, type IRetryBackoffContext } from 'cockatiel';
import { policyDefaults, rateDefaults } from '../config/defaults.js';
import type { ConnectionConfig } from '../config/connection-config.js';
import { ConnectorError, NotReadyError, QuotaError, RateLimitError, TransientError } from '../errors/connector-error.js';
import { isTransientNetworkError } from '../errors/http-status.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { ConnectorMetrics } from '../metrics/connector-metrics.js';
import { Redactor } from '../secrets/redactor.js';
import { JitteredBackoff } from './backoff.js';
import { callScope, type CallScope } from './call-scope.js';
import { CircuitGate } from './circuit-gate.js';
import { QuotaGate } from './quota-gate.js';
import { SlidingWindowRateLimiter } from './rate-limiter.js';
import { judgeServerQuota, type ServerQuota } from './server-quota.js';
import { leaseSharedLimiter } from './shared-limiters.js';
import { maxTimerDelayMs, wait } from './wait.js';

/**
 * The longest wait a server may ask for (Retry-After, a vendor reset header) that core honours when
 * the config says nothing: a few minutes covers every published per-window quota; past it, the call
 * fails with a RateLimitError that says how long the server asked, instead of hanging.
 */
export const defaultMaxRetryAfterSeconds: number = policyDefaults.maxRetryAfterSeconds ?? 300;

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
  /**
   * The longest server-requested wait (Retry-After, a vendor reset header) the policy honours;
   * past it the call fails with a RateLimitError naming the asked delay. `defaultMaxRetryAfterSeconds`
   * when omitted.
   */
  maxRetryAfterSeconds?: number;
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
  /**
   * For a call that is not idempotent but may be asked again when the system turned it away before
   * acting on it: a RateLimitError (HTTP 429 and the like) is then retried as for an idempotent
   * call, after the server's Retry-After and within `maxRetries`; any other failure is not. A
   * paged read's "next page" is such a call: asking again after an answer was lost could skip a
   * page, asking again after a 429 cannot.
   */
  retryRefusals?: boolean;
  signal?: AbortSignal;
  /**
   * false for a long local operation (writing a large file) that has no remote system to wait for:
   * the per-attempt timeout is for requests, not for a job whose length grows with its input.
   */
  timeout?: boolean;
  /**
   * A Date.now() timestamp by which the whole call, waits and retries included, must end. A retry,
   * a wait for the server's Retry-After or for an open circuit that would end later is not started
   * (the call fails with the error that asked for the wait); a wait for a rate-limit slot or an
   * attempt still running at the deadline ends with a TimeoutError, as `AbortSignal.timeout` would.
   */
  deadline?: number;
  /**
   * For writes whose order matters (the last row per key must win): an attempt that times out is
   * not aborted but left to finish while the retry runs, and the call ends only once every attempt
   * it started has been answered (or, past a grace of ten request timeouts, aborted). A request that
   * timed out on the client but lands late on the server can then never overwrite a later write of
   * the same key. Core's write loop sets it for every call a write session makes.
   */
  settleAbandoned?: boolean;
}

/** How long a call waits for its abandoned attempts to be answered, per request timeout. */
const abandonedGraceFactor = 10;

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
    maxRetryAfterSeconds: positiveNumber((config as { maxRetryAfterSeconds?: unknown }).maxRetryAfterSeconds) ?? defaultMaxRetryAfterSeconds,
  };
}

/** A config value read defensively: the key may not be in every config schema yet. */
function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Seconds of a setting as timer milliseconds: a huge setting must not overflow a timer. */
function timerMs(seconds: number): number {
  return Math.min(maxTimerDelayMs, Math.max(0, seconds * 1000));
}

function describeSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 120) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400).toLocaleString('en')} days`;
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
 * The one resilience policy every remote call of every connector goes through, wrapped in this order
 * (outermost first):
 *
 *   metrics( breaker( retry( rateLimit( timeout( call )))))
 *
 * - the breaker is outside the retry: it sees one outcome per call, after the call's retries are
 *   spent, so the retries of one call never open the circuit (a 2 s outage under four batches in
 *   flight is ridden out by their retries instead of failing every batch at once). A call refused by
 *   an open circuit waits for it to half-open, within its deadline and signal (see circuit-gate.ts);
 * - each retry takes a fresh rate-limit slot: retries count against the quota like any request;
 * - the timeout covers one attempt (the SDK call), not the wait for a slot.
 * Retries happen only for failures the connector classified as retryable (429, 5xx, resets,
 * timeouts), only for idempotent calls, and never sooner than the server's Retry-After, honoured in
 * full up to `maxRetryAfterSeconds`; a server asking for longer fails the call with a RateLimitError
 * saying how long it asked. Every wait (backoff, Retry-After, slot, circuit) ends when the caller's
 * signal aborts or its deadline passes, and no timer is handed more than 2^31 - 1 ms.
 * A system that answers "not ready yet" (NotReadyError with a budget: a warehouse starting) is asked
 * again until the budget is spent, spending no retry and never opening the circuit. A quota the
 * server says is exhausted until a known time (a QuotaError with `retryAfterMs`: a daily budget)
 * refuses every call of that quota until then, without sending it (quota-gate.ts).
 *
 * The retry loop is written here rather than taken from cockatiel: cockatiel's retry sleeps through
 * its backoff even when the caller's signal aborts, and cannot give up early at a deadline.
 */
export class ResiliencePolicy {
  readonly settings: PolicySettings;
  readonly limiter: SlidingWindowRateLimiter | undefined;
  readonly metrics: ConnectorMetrics;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly #classify: ErrorClassifier;
  readonly #backoff: JitteredBackoff;
  readonly #breaker: CircuitGate;
  readonly #quotaGate: QuotaGate;
  readonly #maxServerWaitMs: number;
  readonly #release: () => void;

  constructor(settings: PolicySettings, dependencies: PolicyDependencies = {}) {
    this.settings = settings;
    this.metrics = dependencies.metrics ?? ConnectorMetrics.for(null);
    this.logger = dependencies.logger ?? silentLogger;
    this.redactor = dependencies.redactor ?? new Redactor();
    this.#classify = dependencies.classify ?? defaultClassify(settings.connector);
    this.#maxServerWaitMs = timerMs(settings.maxRetryAfterSeconds ?? defaultMaxRetryAfterSeconds);
    const windowMs = settings.rateLimitWindowSeconds * 1000;
    const limit = Math.max(1, Math.floor((settings.requestsPerMinute * settings.rateLimitWindowSeconds) / 60));
    if (settings.requestsPerMinute <= 0) {
      this.limiter = undefined;
      this.#quotaGate = new QuotaGate();
      this.#release = () => undefined;
    } else if (dependencies.quotaKey) {
      const lease = leaseSharedLimiter(dependencies.quotaKey, limit, windowMs);
      this.limiter = lease.limiter;
      this.#quotaGate = lease.gate;
      this.#release = lease.release;
      // A policy dropped without dispose() still gives its reference back when it is collected.
      releaseOnCollect.register(this, lease.release, this);
    } else {
      this.limiter = new SlidingWindowRateLimiter({ limit, windowMs });
      this.#quotaGate = new QuotaGate();
      this.#release = () => undefined;
    }

    this.#backoff = new JitteredBackoff({
      initialDelayMs: settings.retryBackoffSeconds * 1000,
      factor: settings.retryBackoffFactor,
      maxDelayMs: timerMs(settings.maxBackoffSeconds),
      maxRetryAfterMs: this.#maxServerWaitMs,
    });
    // Only failures that say "the system is unwell" open the circuit: a 429 is the system working.
    this.#breaker = new CircuitGate({
      threshold: settings.circuitBreakerThreshold,
      halfOpenAfterMs: timerMs(settings.circuitBreakerHalfOpenSeconds),
      isFailure: (error) => TransientError.isInstance(error),
    });
  }

  static fromConfig(config: ConnectionConfig, dependencies: PolicyDependencies = {}): ResiliencePolicy {
    return new ResiliencePolicy(policySettingsFrom(config), dependencies);
  }

  /**
   * Gives back this policy's reference to the shared rate limiter of its quota, so the registry stays
   * bounded (see shared-limiters.ts). Call it once the connector is closed; idempotent. The limiter
   * keeps working for calls still in flight.
   */
  dispose(): void {
    releaseOnCollect.unregister(this);
    this.#release();
  }

  /** Runs one remote call under the policy. `operation` labels metrics and errors (`read`, `write`...). */
  async execute<T>(operation: string, call: (context: CallContext) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const { connector } = this.settings;
    const started = performance.now();
    const scope = callScope(options.signal, options.deadline);
    const progress = { attempts: 0, abandoned: [] as Array<Promise<unknown>> };
    // A quota the server said is exhausted until a known time: refused here, nothing sent.
    const refused = this.#quotaGate.refusal(connector, operation);
    if (refused) {
      scope.dispose();
      this.metrics.recordRequest(connector, operation, 'error', 0);
      throw this.failure(operation, refused, 0);
    }
    try {
      const result = await this.#breaker.execute(() => this.#withRetries(operation, call, options, scope, progress), scope);
      if (progress.abandoned.length > 0) await Promise.allSettled(progress.abandoned);
      this.metrics.recordRequest(connector, operation, 'success', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.recordRequest(connector, operation, 'error', (performance.now() - started) / 1000);
      if (progress.abandoned.length > 0) await Promise.allSettled(progress.abandoned);
      throw this.failure(operation, scope.signal.aborted ? scope.signal.reason : error, Math.max(1, progress.attempts));
    } finally {
      scope.dispose();
    }
  }

  async #withRetries<T>(
    operation: string,
    call: (context: CallContext) => Promise<T>,
    options: CallOptions,
    scope: CallScope,
    progress: { attempts: number; abandoned: Array<Promise<unknown>> },
  ): Promise<T> {
    const { maxRetries } = this.settings;
    const retries = Math.max(0, maxRetries);
    const idempotent = options.idempotent ?? true;
    /** Whether this failure may be asked again at all: any retryable one for an idempotent call, only a refusal otherwise. */
    const repeatable = (error: ConnectorError) => error.retryable && (idempotent || (options.retryRefusals === true && error.kind === 'rate-limited'));
    let retriesSpent = 0;
    let notReady: { since: number; asks: number } | undefined;
    let askingAgain = false;
    for (let attempt = 1; ; attempt += 1) {
      progress.attempts = attempt;
      try {
        return await this.#attempt(operation, call, options, scope, attempt, progress.abandoned, askingAgain);
      } catch (error) {
        askingAgain = NotReadyError.isInstance(error) && error.retryable && error.readyWithinMs !== undefined;
        if (askingAgain) {
          // Not a failure: the system said "not yet" (and did nothing). Ask again within its budget.
          notReady ??= { since: Date.now(), asks: 0 };
          notReady.asks += 1;
          const asked = error as NotReadyError;
          await this.#waitUntilReady(operation, asked, asked.readyWithinMs ?? 0, notReady, scope);
          continue;
        }
        retriesSpent += 1;
        if (!ConnectorError.isInstance(error) || !repeatable(error) || retriesSpent > retries) throw error;
        const context = { attempt: retriesSpent, result: { error }, signal: scope.signal } as IRetryBackoffContext<unknown>;
        const delay = this.#backoff.next(context).duration;
        // A retry that could only start after the caller's deadline is not worth the wait.
        if (scope.deadline !== undefined && Date.now() + delay > scope.deadline) throw error;
        await wait(delay, scope.signal);
      }
    }
  }

  /**
   * The wait before asking a system that is not ready yet (a warehouse starting) again: its
   * Retry-After, else the backoff of the asks so far, never past the budget or the caller's deadline.
   * Progress is logged at each wait, so a user watching the logs sees why nothing happens.
   */
  async #waitUntilReady(operation: string, error: NotReadyError, budgetMs: number, notReady: { since: number; asks: number }, scope: CallScope): Promise<void> {
    const { connector } = this.settings;
    const waited = Date.now() - notReady.since;
    const remaining = Math.min(budgetMs - waited, scope.deadline === undefined ? Number.POSITIVE_INFINITY : scope.deadline - Date.now());
    if (remaining <= 0) throw this.#stillNotReady(error, operation, waited, budgetMs);
    // The server's "ask again in" when it says one (a warehouse knows roughly when it will be up), else our backoff.
    const context = { attempt: notReady.asks, result: { error }, signal: scope.signal } as IRetryBackoffContext<unknown>;
    const delay = Math.min(error.retryAfterMs || this.#backoff.next(context).duration, remaining);
    this.logger.info(
      { connector, operation, code: error.code, waitedMs: waited, budgetMs },
      `${error.message}, waited ${describeSeconds(waited)} of ${describeSeconds(budgetMs)}`,
    );
    await wait(delay, scope.signal);
  }

  /** The end of a call whose system stayed not ready for its whole budget: not retryable any more. */
  #stillNotReady(error: NotReadyError, operation: string, waitedMs: number, budgetMs: number): NotReadyError {
    return new NotReadyError({
      message: `${error.message}; still not ready after ${describeSeconds(waitedMs)} (budget ${describeSeconds(budgetMs)})`,
      connector: this.settings.connector,
      operation,
      retryable: false,
      readyWithinMs: budgetMs,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }

  async #attempt<T>(
    operation: string,
    call: (context: CallContext) => Promise<T>,
    options: CallOptions,
    scope: CallScope,
    attempt: number,
    abandoned: Array<Promise<unknown>>,
    askingAgain = false,
  ): Promise<T> {
    const { connector } = this.settings;
    const slot = await this.limiter?.acquire(scope.signal);
    if (slot) this.metrics.recordRateLimitWait(connector, slot.waitedMs);
    // Counted once it is really sent: a retry cancelled while it waited for a slot is no retry.
    // Asking a system that was not ready again is no retry either: nothing failed.
    if (attempt > 1 && !askingAgain) {
      this.metrics.recordRetry(connector, operation);
      this.logger.warn({ connector, operation, attempt }, 'retrying after a retryable failure');
    }
    try {
      if (options.timeout === false) return await call({ signal: scope.signal, attempt });
      if (options.settleAbandoned) return await this.#attemptSettled(call, scope, attempt, abandoned);
      return await this.#attemptWithTimeout(call, scope, attempt);
    } catch (error) {
      // Cancelled by the caller (or past its deadline): never retried, ends with the caller's reason.
      if (scope.signal.aborted) throw scope.signal.reason;
      const classified = this.#toConnectorError(error, operation);
      const asked = classified.retryAfterMs;
      if (asked !== undefined && asked > this.#maxServerWaitMs && (classified.retryable || classified.kind === 'rate-limited')) {
        throw this.#serverWaitTooLong(classified, operation, asked);
      }
      if (classified.kind === 'rate-limited' && asked && this.limiter) this.limiter.pauseUntil(Date.now() + asked);
      // An exhausted quota with a known reset (a daily budget) refuses every call until then.
      if (QuotaError.isInstance(classified)) this.#quotaGate.close(classified);
      throw classified;
    } finally {
      slot?.release();
    }
  }

  /**
   * One attempt bounded by the request timeout, abandoned at the deadline even if the SDK call
   * ignores its signal (which is aborted then). A plain race on a timer: cockatiel's aggressive
   * timeout races the call against a promise that never settles once the call has returned, and a
   * read of a few hundred pages measured 60 to 70 MB more peak RSS through it (Databricks benchmark).
   */
  #attemptWithTimeout<T>(call: (context: CallContext) => Promise<T>, scope: CallScope, attempt: number): Promise<T> {
    const timeoutMs = timerMs(this.settings.requestTimeoutSeconds);
    const parent = scope.signal;
    if (parent.aborted) return Promise.reject(parent.reason);
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      // Whichever ends the attempt first (answer, caller, timer) disarms the other two.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const disarm = () => {
        clearTimeout(timer);
        parent.removeEventListener('abort', follow);
      };
      function follow() {
        disarm();
        controller.abort(parent.reason);
        reject(parent.reason);
      }
      timer = setTimeout(() => {
        disarm();
        controller.abort();
        reject(new TaskCancelledError(`Operation timed out after ${timeoutMs}ms`));
      }, timeoutMs);
      parent.addEventListener('abort', follow, { once: true });
      let running: Promise<T>;
      try {
        running = call({ signal: controller.signal, attempt });
      } catch (error) {
        // A call that throws before returning its promise: the same failure, and nothing left armed.
        disarm();
        reject(error);
        return;
      }
      running.then(
        (value) => {
          disarm();
          resolve(value);
        },
        (error: unknown) => {
          disarm();
          reject(error);
        },
      );
    });
  }

  /**
   * One attempt that, on timeout, is left running (its answer awaited by `execute`, bounded by a
   * grace period after which it is aborted) instead of aborted: see `CallOptions.settleAbandoned`.
   */
  #attemptSettled<T>(call: (context: CallContext) => Promise<T>, scope: CallScope, attempt: number, abandoned: Array<Promise<unknown>>): Promise<T> {
    const timeoutMs = timerMs(this.settings.requestTimeoutSeconds);
    const controller = new AbortController();
    const signal = AbortSignal.any([scope.signal, controller.signal]);
    const running = call({ signal, attempt });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const grace = setTimeout(
          () => controller.abort(new DOMException('Abandoned attempt aborted after its grace period', 'TimeoutError')),
          Math.min(timeoutMs * abandonedGraceFactor, timerMs(300)),
        );
        abandoned.push(
          running
            .then(
              () => undefined,
              () => undefined,
            )
            .finally(() => clearTimeout(grace)),
        );
        reject(new TaskCancelledError(`Operation timed out after ${timeoutMs}ms`));
      }, timeoutMs);
      running.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** A server asking for a longer wait than `maxRetryAfterSeconds`: fail now and say how long it asked. */
  #serverWaitTooLong(error: ConnectorError, operation: string, askedMs: number): RateLimitError {
    const { connector } = this.settings;
    const limit = describeSeconds(this.#maxServerWaitMs);
    return new RateLimitError({
      message: `${connector} asked to wait ${describeSeconds(askedMs)} before the next request, more than maxRetryAfterSeconds (${limit}); not waiting`,
      connector,
      operation,
      retryable: false,
      retryAfterMs: askedMs,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.code === undefined ? {} : { code: error.code }),
      hint: 'The quota is exhausted for longer than the connector waits (often a daily limit). Retry after the delay, or raise maxRetryAfterSeconds.',
      cause: error,
    });
  }

  /**
   * What the server said of its quota on a successful response (vendor rate-limit headers): a
   * stricter quota than configured is adopted, and an exhausted budget that our own accounting does
   * not explain (another client of the same account spends it) pauses every caller until it refills.
   * Only plausible values are adopted (see server-quota.ts); what is refused is logged.
   */
  observeServerQuota(quota: ServerQuota): void {
    const limiter = this.limiter;
    if (!limiter) return;
    const { connector } = this.settings;
    const verdict = judgeServerQuota(quota, this.#maxServerWaitMs);
    if (verdict.refused.length > 0) {
      this.logger.warn({ connector, refused: verdict.refused }, 'ignoring implausible rate-limit values announced by the server');
    }
    if (verdict.rate && limiter.tightenTo(verdict.rate.limit, verdict.rate.windowMs)) {
      this.logger.warn(
        { connector, limit: verdict.rate.limit, windowMs: verdict.rate.windowMs },
        'the server announces a stricter rate limit than configured; using it',
      );
    }
    if (verdict.remaining !== undefined && verdict.remaining <= 0 && limiter.delayNow() === 0) {
      const refill = verdict.resetInMs ?? verdict.rate?.windowMs ?? limiter.windowMs;
      limiter.pauseUntil(Date.now() + Math.min(refill, this.#maxServerWaitMs));
    }
  }

  /**
   * The error that leaves the library for a failed operation: classified, scrubbed of credentials,
   * counted in `ml_connectors_errors_total` and logged. `execute` uses it; so does a connector that
   * meters a streamed local operation with no remote call to wrap (see BaseConnector.meterPages).
   */
  failure(operation: string, error: unknown, attempts = 1): Error {
    const { connector } = this.settings;
    // The caller cancelled (or its deadline passed): end with the caller's AbortError (TimeoutError),
    // as fetch and streams do; not a failure of the system, so it is counted apart and not logged.
    const name = (error as { name?: string } | null)?.name;
    if (name === 'AbortError' || (name === 'TimeoutError' && !ConnectorError.isInstance(error))) {
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

/** Gives back the limiter reference of a policy collected without dispose(). */
const releaseOnCollect = new FinalizationRegistry<() => void>((release) => release());
