import { createHash } from 'node:crypto';
import { QuotaGate } from './quota-gate.js';
import { SlidingWindowRateLimiter } from './rate-limiter.js';

/**
 * One limiter per quota, not per connector object: a vendor counts requests per credential (a
 * HubSpot token, a Google service account), so two connectors built from the same credentials in one
 * process must share one budget or together they would send twice the quota. The key is a hash of
 * what identifies the quota, never the credential itself.
 *
 * The registry lives on `globalThis` under a `Symbol.for` key, so two installed copies of core (npm
 * nests a second copy when a connector's core range differs) still share one limiter per quota.
 * The `@1` in the key is the limiter's protocol: a future copy whose limiter API changes uses another
 * key rather than calling methods an older copy's limiter lacks.
 *
 * It is bounded: each policy holds a reference to its limiter and gives it back when its connector
 * closes (`ResiliencePolicy.dispose()`), or when the policy is garbage-collected without closing.
 * A limiter nobody holds is kept a while (a pause a 429 asked for still applies to the next
 * connector on that credential), up to `maxIdleLimiters`, the least recently used evicted first.
 * A server that runs connectors for many tenants therefore holds one entry per live connector plus
 * a fixed number of idle ones, not one per credential it has ever seen.
 */
interface Entry {
  limiter: SlidingWindowRateLimiter;
  /** Absent in an entry an older copy of core created: added on first lease. */
  gate?: QuotaGate;
  references: number;
}

interface LimiterRegistry {
  /** In insertion order = least recently used first for the idle ones (an entry is re-inserted on use). */
  entries: Map<string, Entry>;
}

export const maxIdleLimiters = 64;

const registryKey = Symbol.for('@automl/connector-core/shared-limiters@1');

function registry(): LimiterRegistry {
  const holder = globalThis as { [registryKey]?: LimiterRegistry };
  holder[registryKey] ??= { entries: new Map() };
  return holder[registryKey];
}

export function quotaKey(parts: ReadonlyArray<string | undefined>): string {
  return createHash('sha256')
    .update(parts.map((part) => part ?? '').join('\u0000'))
    .digest('hex');
}

/** A reference to a shared limiter; `release()` gives it back (idempotent). */
export interface SharedLimiterLease {
  readonly limiter: SlidingWindowRateLimiter;
  /** The quota's exhausted-until state, shared like the limiter (see quota-gate.ts). */
  readonly gate: QuotaGate;
  release(): void;
}

/** Takes a reference to the limiter of this quota and rate, creating it on first use. */
export function leaseSharedLimiter(key: string, limit: number, windowMs: number): SharedLimiterLease {
  const { entries } = registry();
  const id = `${key}:${limit}/${windowMs}`;
  let entry = entries.get(id);
  if (entry) entries.delete(id);
  entry ??= { limiter: new SlidingWindowRateLimiter({ limit, windowMs }), references: 0 };
  entry.references += 1;
  entry.gate ??= new QuotaGate();
  entries.set(id, entry);
  const held = entry;
  let released = false;
  return {
    limiter: entry.limiter,
    gate: entry.gate,
    release: () => {
      if (released) return;
      released = true;
      held.references = Math.max(0, held.references - 1);
      if (held.references === 0) evictIdle(entries);
    },
  };
}

function evictIdle(entries: Map<string, Entry>): void {
  let idle = 0;
  for (const entry of entries.values()) if (entry.references === 0) idle += 1;
  for (const [id, entry] of entries) {
    if (idle <= maxIdleLimiters) return;
    if (entry.references === 0) {
      entries.delete(id);
      idle -= 1;
    }
  }
}

/**
 * The limiter of this quota and rate, holding a reference that is never given back. Kept for
 * callers of the earlier API; the policy uses `leaseSharedLimiter`.
 */
export function sharedLimiter(key: string, limit: number, windowMs: number): SlidingWindowRateLimiter {
  return leaseSharedLimiter(key, limit, windowMs).limiter;
}

/** How many limiters the registry holds, and how many of them nobody uses (for tests and diagnostics). */
export function sharedLimiterStats(): { total: number; idle: number } {
  const { entries } = registry();
  let idle = 0;
  for (const entry of entries.values()) if (entry.references === 0) idle += 1;
  return { total: entries.size, idle };
}
