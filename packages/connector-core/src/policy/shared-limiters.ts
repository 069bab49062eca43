import { createHash } from 'node:crypto';
import { SlidingWindowRateLimiter } from './rate-limiter.js';

/**
 * One limiter per quota, not per connector object: a vendor counts requests per credential (a
 * HubSpot token, a Google service account), so two connectors built from the same credentials in one
 * process must share one budget or together they would send twice the quota. The key is a hash of
 * what identifies the quota, never the credential itself.
 */
const limiters = new Map<string, SlidingWindowRateLimiter>();

export function quotaKey(parts: ReadonlyArray<string | undefined>): string {
  return createHash('sha256').update(parts.map((part) => part ?? '').join('\u0000')).digest('hex');
}

export function sharedLimiter(key: string, limit: number, windowMs: number): SlidingWindowRateLimiter {
  const id = `${key}:${limit}/${windowMs}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new SlidingWindowRateLimiter({ limit, windowMs });
    limiters.set(id, limiter);
  }
  return limiter;
}
