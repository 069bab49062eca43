import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuotaError } from '../errors/connector-error.js';
import { ResiliencePolicy, policySettingsFrom } from './resilience-policy.js';

/** A quota the server says is exhausted until a known time refuses calls until then, on fake time. */
describe('ResiliencePolicy: an exhausted quota with a known reset', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-12-01T20:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const settings = { ...policySettingsFrom({ connectionType: 'pipedrive' }), maxRetries: 2 };
  const dailyBudget = (retryAfterMs?: number) =>
    new QuotaError({
      message: 'Pipedrive answered 429: daily budget used up',
      connector: 'pipedrive',
      status: 429,
      code: 'DAILY_BUDGET_EXHAUSTED',
      hint: 'Spread the job over days.',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  it('refuses every later call of the quota without sending it, until the reset, then sends again', async () => {
    const quotaKey = `quota-gate-test-${Math.random()}`;
    const first = new ResiliencePolicy(settings, { quotaKey });
    const second = new ResiliencePolicy(settings, { quotaKey });
    let sent = 0;
    const refusedByServer = async () => {
      sent += 1;
      throw dailyBudget(4 * 3_600_000);
    };
    await expect(first.execute('read', refusedByServer)).rejects.toMatchObject({ name: 'QuotaError', code: 'DAILY_BUDGET_EXHAUSTED' });
    expect(sent).toBe(1);

    const call = vi.fn(async () => 'ok');
    // The other connector on the same credentials is refused too; nothing reaches the server.
    const refused = await second.execute('write', call).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({
      name: 'QuotaError',
      code: 'DAILY_BUDGET_EXHAUSTED',
      retryable: false,
      retryAfterMs: 4 * 3_600_000,
      hint: 'Spread the job over days.',
    });
    expect((refused as Error).message).toContain('not sent: the quota is exhausted until 2026-12-02T00:00:00.000Z');
    expect(call).not.toHaveBeenCalled();

    vi.setSystemTime(Date.parse('2026-12-02T00:00:00Z'));
    await expect(second.execute('write', call)).resolves.toBe('ok');
    expect(call).toHaveBeenCalledTimes(1);
    first.dispose();
    second.dispose();
  });

  it('a quota refusal that names no reset refuses nothing else (each call asks the server)', async () => {
    const policy = new ResiliencePolicy({ ...settings, requestsPerMinute: 0 });
    await expect(
      policy.execute('read', async () => {
        throw dailyBudget();
      }),
    ).rejects.toMatchObject({ name: 'QuotaError' });
    await expect(policy.execute('read', async () => 'ok')).resolves.toBe('ok');
  });

  it('never closes for longer than two days, whatever the server says', async () => {
    const policy = new ResiliencePolicy({ ...settings, requestsPerMinute: 0 });
    await expect(
      policy.execute('read', async () => {
        throw dailyBudget(365 * 24 * 3_600_000);
      }),
    ).rejects.toMatchObject({ name: 'QuotaError' });
    vi.setSystemTime(Date.parse('2026-12-03T20:00:00Z'));
    await expect(policy.execute('read', async () => 'ok')).resolves.toBe('ok');
  });
});
