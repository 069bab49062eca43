const ERROR_MARKER = Symbol.for('@automl/connector-core/ConnectorError');

export type ErrorKind =
  | 'config'
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'rate-limited'
  | 'transient'
  | 'quota'
  | 'data'
  | 'unsupported'
  | 'not-ready'
  | 'connector';

export interface ConnectorErrorOptions {
  message: string;
  /** The connection type (`hubspot`, `excel`...). */
  connector?: string;
  /** What was being done (`read`, `write`, `listTables`...). */
  operation?: string;
  /** Whether repeating the same call may succeed. Core's retry policy reads this and nothing else. */
  retryable?: boolean;
  /** How long the system asked us to wait (Retry-After or the vendor's rate-limit headers). */
  retryAfterMs?: number;
  /** What the user can do about it. */
  hint?: string;
  /** HTTP status or vendor code, when there is one. */
  status?: number;
  code?: string;
  /** The underlying failure, already stripped of request details that could hold credentials. */
  cause?: unknown;
}

/**
 * The base of every error the library throws. Errors are classified by the connector that saw the
 * vendor failure and acted on by core (retry, circuit breaking, metrics). `isInstance` works across
 * duplicate copies of this package, where `instanceof` would not.
 */
export class ConnectorError extends Error {
  readonly [ERROR_MARKER] = true;
  readonly kind: ErrorKind = 'connector';
  readonly connector: string | undefined;
  readonly operation: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly hint: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(options: ConnectorErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.connector = options.connector;
    this.operation = options.operation;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.hint = options.hint;
    this.status = options.status;
    this.code = options.code;
  }

  static isInstance(value: unknown): value is ConnectorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_MARKER] === true;
  }

  /** Message plus hint, the way a CLI should print it. */
  describe(): string {
    const where = [this.connector, this.operation].filter(Boolean).join(' ');
    return `${where ? `[${where}] ` : ''}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      connector: this.connector,
      operation: this.operation,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      hint: this.hint,
      status: this.status,
      code: this.code,
    };
  }
}

function defineKind<K extends ErrorKind>(kind: K, retryableByDefault: boolean) {
  const marker = Symbol.for(`@automl/connector-core/${kind}`);
  return class extends ConnectorError {
    override readonly kind: K = kind;
    constructor(options: ConnectorErrorOptions) {
      super({ retryable: retryableByDefault, ...options });
      (this as unknown as Record<symbol, boolean>)[marker] = true;
    }
    static override isInstance(value: unknown): value is ConnectorError & { kind: K } {
      return ConnectorError.isInstance(value) && (value as unknown as Record<symbol, unknown>)[marker] === true;
    }
  };
}

/** A configuration key is missing or invalid. `issues` names every bad field. */
export class ConfigError extends defineKind('config', false) {
  issues: Array<{ path: string; message: string }> = [];
}
/** The credentials were refused (invalid, expired, revoked). */
export class AuthenticationError extends defineKind('authentication', false) {}
/** Authenticated, but not allowed to do this (sharing, scopes, API not enabled). */
export class PermissionError extends defineKind('permission', false) {}
/** The table, sheet, object or record does not exist. */
export class NotFoundError extends defineKind('not-found', false) {}
/** The system throttled us (429). Retryable after `retryAfterMs`. */
export class RateLimitError extends defineKind('rate-limited', true) {}
/** A failure that may pass on its own: 5xx, connection reset, timeout. */
export class TransientError extends defineKind('transient', true) {}
/** A daily/monthly quota or a cost limit is exhausted: retrying now will not help. */
export class QuotaError extends defineKind('quota', false) {}
/** The data itself is wrong: a corrupt file, a value that does not fit, a rejected row. */
export class DataError extends defineKind('data', false) {}
/** The connector or system cannot do what was asked (a write on a read-only source...). */
export class UnsupportedOperationError extends defineKind('unsupported', false) {}

export interface NotReadyErrorOptions extends ConnectorErrorOptions {
  /**
   * How long, from the first not-ready answer of a call, core keeps asking again. Without it the
   * answer is retried like a transient failure (within `maxRetries`).
   */
  readyWithinMs?: number;
}

/**
 * The system is up but not ready yet: a warehouse that is starting, a job still running. Core's
 * policy asks again (after `retryAfterMs`, else its backoff) until `readyWithinMs` has passed,
 * without spending retries and without counting toward the circuit breaker: waiting for a start is
 * not a failure of the system. The error that ends a call whose budget ran out is not retryable.
 */
const NotReadyKind = defineKind('not-ready', true);
const notReadyGuard = (value: unknown): boolean => NotReadyKind.isInstance(value);

export class NotReadyError extends NotReadyKind {
  readonly readyWithinMs: number | undefined;
  constructor(options: NotReadyErrorOptions) {
    super(options);
    this.readyWithinMs = options.readyWithinMs;
  }
  static override isInstance(value: unknown): value is NotReadyError {
    return notReadyGuard(value);
  }
}
