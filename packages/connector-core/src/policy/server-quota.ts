/** What a vendor's rate-limit headers said on a successful response. */
export interface ServerQuota {
  limit?: number;
  windowMs?: number;
  remaining?: number;
  resetInMs?: number;
}

/**
 * The range of quotas core believes a server announces. Outside it, a header is more likely a bug,
 * a proxy's or a hostile server's than a real plan: 1 request per 10^12 ms adopted as the limit
 * would stall every call. Real plans sit well inside: Pipedrive counts per 2 s, HubSpot per 10 s and
 * per day, Google per minute.
 */
export const plausibleQuota = {
  minWindowMs: 100,
  maxWindowMs: 86_400_000,
  maxLimit: 10_000_000,
  /** The slowest plausible rate: one request a minute. */
  minRequestsPerMs: 1 / 60_000,
} as const;

export interface QuotaVerdict {
  /** The announced rate, when plausible. */
  rate?: { limit: number; windowMs: number };
  /** The announced wait before the budget refills, when plausible (bounded by `maxWaitMs`). */
  resetInMs?: number;
  remaining?: number;
  /** What was refused and why, for the log. */
  refused: string[];
}

/** Sorts what the server announced into what is plausible and what is refused. */
export function judgeServerQuota(quota: ServerQuota, maxWaitMs: number): QuotaVerdict {
  const refused: string[] = [];
  const verdict: QuotaVerdict = { refused };
  const { limit, windowMs, remaining, resetInMs } = quota;
  const windowOk = windowMs !== undefined && Number.isFinite(windowMs) && windowMs >= plausibleQuota.minWindowMs && windowMs <= plausibleQuota.maxWindowMs;
  if (windowMs !== undefined && !windowOk) refused.push(`window of ${windowMs} ms (expected ${plausibleQuota.minWindowMs} ms to 1 day)`);
  if (limit !== undefined) {
    if (!Number.isFinite(limit) || limit < 1 || limit > plausibleQuota.maxLimit) refused.push(`limit of ${limit} requests`);
    else if (windowOk && limit / windowMs! < plausibleQuota.minRequestsPerMs) refused.push(`rate of ${limit} requests per ${windowMs} ms (under 1 a minute)`);
    else if (windowOk) verdict.rate = { limit: Math.floor(limit), windowMs: windowMs! };
  }
  if (remaining !== undefined) {
    if (Number.isFinite(remaining) && remaining >= 0) verdict.remaining = remaining;
    else refused.push(`remaining budget of ${remaining}`);
  }
  if (resetInMs !== undefined) {
    if (Number.isFinite(resetInMs) && resetInMs >= 0 && resetInMs <= maxWaitMs) verdict.resetInMs = resetInMs;
    else refused.push(`reset in ${resetInMs} ms (more than the ${maxWaitMs} ms core waits for a server)`);
  }
  return verdict;
}
