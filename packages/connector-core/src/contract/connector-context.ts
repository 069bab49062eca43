import type { Logger } from '../logging/logger.js';
import type { CallContext, CallOptions } from '../policy/resilience-policy.js';

/** What the server said of its quota (vendor rate-limit headers of a success). */
export interface ServerQuota {
  limit?: number;
  windowMs?: number;
  remaining?: number;
  resetInMs?: number;
}

/**
 * What core hands a connector's per-system steps (readPages, a write session): the one way to make
 * a remote call (through the policy, cancelled with the caller's signal), metering, and the logger.
 * One type for every connector, in place of per-connector sessions.
 */
export interface ConnectorContext {
  /** The connection type. */
  readonly connector: string;
  /** The caller's signal (never aborted when the caller gave none). Core merges it into `call`. */
  readonly signal: AbortSignal;
  /** Runs one remote call through the policy: rate limit, timeout, retry when idempotent, breaker, metrics. */
  call<R>(operation: string, fn: (call: CallContext) => Promise<R>, options?: CallOptions): Promise<R>;
  /** Adds to `ml_connectors_data_volume_bytes` (bytes read or written on the wire, or an estimate). */
  recordBytes(direction: 'read' | 'write', bytes: number): void;
  /** Passes the server's view of the quota to the shared limiter. */
  observeServerQuota(quota: ServerQuota): void;
  /** A warning for the read report or the write result (skipped rows, coerced cells, a risk), also logged. */
  warn(code: string, message: string): void;
  readonly logger: Logger;
}
