import { parseRetryAfter } from '@automl/connector-core';

export type HeaderBag = Record<string, string | undefined>;

/** Reads a header whatever its case (fetch lowercases them; proxies may not). */
export function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * How long to wait after a 429, from what HubSpot sent: `Retry-After` when present; otherwise the
 * X-HubSpot-RateLimit-* headers: with `-Remaining: 0` the rolling window
 * (`-Interval-Milliseconds`, 10 s on most tiers) must drain, with `-Secondly-Remaining: 0` one
 * second. Undefined when nothing says, and core's jittered backoff decides.
 */
export function retryDelayFromHeaders(headers: HeaderBag | undefined): number | undefined {
  const retryAfter = parseRetryAfter(header(headers, 'retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  const remaining = header(headers, 'x-hubspot-ratelimit-remaining');
  const interval = Number(header(headers, 'x-hubspot-ratelimit-interval-milliseconds'));
  if (remaining === '0' && Number.isFinite(interval) && interval > 0) return interval;
  if (header(headers, 'x-hubspot-ratelimit-secondly-remaining') === '0') return 1000;
  return undefined;
}

/** Whether the portal's daily allowance is used up (then waiting seconds will not help). */
export function dailyLimitReached(headers: HeaderBag | undefined, message: string | undefined): boolean {
  return header(headers, 'x-hubspot-ratelimit-daily-remaining') === '0' || /daily limit/i.test(message ?? '');
}

/**
 * The portal's quota as a successful answer states it: `-Max` requests per
 * `-Interval-Milliseconds`, `-Remaining` of them left. The budget is shared by every app of the
 * portal, so it can run out before our own limiter thinks; core adopts a stricter quota than the
 * configured one and pauses when the budget is spent.
 */
export function quotaFromHeaders(headers: HeaderBag | undefined): { limit?: number; windowMs?: number; remaining?: number; resetInMs?: number } | undefined {
  const number = (name: string) => {
    const value = header(headers, name);
    const parsed = value === undefined || value === '' ? Number.NaN : Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const limit = number('x-hubspot-ratelimit-max');
  const windowMs = number('x-hubspot-ratelimit-interval-milliseconds');
  const remaining = number('x-hubspot-ratelimit-remaining');
  if (limit === undefined && remaining === undefined) return undefined;
  return { limit, windowMs, remaining, resetInMs: windowMs };
}
