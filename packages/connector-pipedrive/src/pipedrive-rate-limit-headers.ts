import { parseRetryAfter } from '@automl/connector-core';

export type HeaderBag = Record<string, string | undefined>;

/** Reads a header whatever its case. */
export function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

const numberHeader = (headers: HeaderBag | undefined, name: string): number | undefined => {
  const value = header(headers, name);
  const parsed = value === undefined || value === '' ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** Pipedrive's burst window (core-api-concepts-rate-limiting): requests are counted per token over 2 seconds. */
export const pipedriveWindowMs = 2000;

/**
 * The burst quota a reply states: `x-ratelimit-limit` requests per 2-second window,
 * `x-ratelimit-remaining` left, `x-ratelimit-reset` seconds until the window resets. Core adopts a
 * stricter limit than the configured one from it (a higher plan announces more, a lower one less).
 */
export function quotaFromHeaders(headers: HeaderBag | undefined): { limit?: number; windowMs?: number; remaining?: number; resetInMs?: number } | undefined {
  const limit = numberHeader(headers, 'x-ratelimit-limit');
  const remaining = numberHeader(headers, 'x-ratelimit-remaining');
  const reset = numberHeader(headers, 'x-ratelimit-reset');
  if (limit === undefined && remaining === undefined) return undefined;
  return { limit, windowMs: pipedriveWindowMs, remaining, resetInMs: reset === undefined ? undefined : reset * 1000 };
}

/** How long a 429 asks to wait: `Retry-After` when sent, else `x-ratelimit-reset`, else the 2-second window. */
export function retryDelayFromHeaders(headers: HeaderBag | undefined): number {
  const retryAfter = parseRetryAfter(header(headers, 'retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  const reset = numberHeader(headers, 'x-ratelimit-reset');
  return reset !== undefined ? reset * 1000 : pipedriveWindowMs;
}

/**
 * Whether a 429 is the daily token budget rather than the burst window: no requests left today
 * (`x-daily-requests-left: 0`), or a message or code naming the daily limit. Pipedrive does not
 * publish the body of this answer; the check reads every signal there is.
 */
export function dailyBudgetExhausted(headers: HeaderBag | undefined, body: { error?: unknown; code?: unknown } | undefined): boolean {
  if (header(headers, 'x-daily-requests-left') === '0') return true;
  const text = `${typeof body?.error === 'string' ? body.error : ''} ${typeof body?.code === 'string' ? body.code : ''}`;
  return /daily|budget/i.test(text);
}
