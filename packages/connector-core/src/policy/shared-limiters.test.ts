import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResiliencePolicy, policySettingsFrom } from './resilience-policy.js';
import { leaseSharedLimiter, maxIdleLimiters, quotaKey, sharedLimiterStats } from './shared-limiters.js';

describe('shared limiter registry', () => {
  afterEach(() => {
    vi.resetModules();
  });

  it('two installed copies of core share one limiter per quota', async () => {
    const key = quotaKey(['hubspot', 'two-copies']);
    const first = leaseSharedLimiter(key, 100, 10_000);
    // A second copy of the module, as npm nests a second copy of core: its own module state.
    vi.resetModules();
    const copy = (await import('./shared-limiters.js?second-copy' as string)) as typeof import('./shared-limiters.js');
    expect(copy.leaseSharedLimiter).not.toBe(leaseSharedLimiter);
    const second = copy.leaseSharedLimiter(key, 100, 10_000);
    expect(second.limiter).toBe(first.limiter);
    first.release();
    second.release();
  });

  it('is bounded: references are given back on release, idle limiters are evicted least recently used first', () => {
    const before = sharedLimiterStats();
    const leases = Array.from({ length: maxIdleLimiters + 40 }, (_, index) => leaseSharedLimiter(quotaKey(['tenant', String(index)]), 10, 1_000));
    expect(sharedLimiterStats().total).toBe(before.total + leases.length);
    for (const lease of leases) {
      lease.release();
      lease.release(); // idempotent
    }
    const after = sharedLimiterStats();
    expect(after.idle).toBe(maxIdleLimiters);
    expect(after.total).toBeLessThanOrEqual(before.total - before.idle + maxIdleLimiters);
    // The most recently released stay (a Retry-After pause still applies to the next connector)...
    const recent = leaseSharedLimiter(quotaKey(['tenant', String(leases.length - 1)]), 10, 1_000);
    expect(recent.limiter).toBe(leases.at(-1)!.limiter);
    // ...the oldest were dropped.
    const oldest = leaseSharedLimiter(quotaKey(['tenant', '0']), 10, 1_000);
    expect(oldest.limiter).not.toBe(leases[0]!.limiter);
    recent.release();
    oldest.release();
  });

  it('a limiter in use is never evicted, and ResiliencePolicy.dispose() gives its reference back', () => {
    const key = quotaKey(['hubspot', 'in-use']);
    const settings = policySettingsFrom({ connectionType: 'hubspot' });
    const policy = new ResiliencePolicy(settings, { quotaKey: key });
    const churn = Array.from({ length: maxIdleLimiters * 2 }, (_, index) => leaseSharedLimiter(quotaKey(['churn', String(index)]), 10, 1_000));
    for (const lease of churn) lease.release();
    const other = new ResiliencePolicy(settings, { quotaKey: key });
    expect(other.limiter).toBe(policy.limiter);
    const idleBefore = sharedLimiterStats().idle;
    policy.dispose();
    policy.dispose();
    expect(sharedLimiterStats().idle).toBe(idleBefore);
    other.dispose();
    expect(sharedLimiterStats().idle).toBe(Math.min(maxIdleLimiters, idleBefore + 1));
  });
});
