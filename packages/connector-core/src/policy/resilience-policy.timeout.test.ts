import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../errors/connector-error.js';
import { ResiliencePolicy, policySettingsFrom } from './resilience-policy.js';

/** The per-attempt timeout (a timer race), on fake time. */
describe('ResiliencePolicy: the request timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const policy = () =>
    new ResiliencePolicy({ ...policySettingsFrom({ connectionType: 'hubspot' }), requestsPerMinute: 0, maxRetries: 0, requestTimeoutSeconds: 5 });

  it('abandons a call that ignores its signal at the timeout, aborts that signal, and fails as a transient timeout', async () => {
    let seen: AbortSignal | undefined;
    const done = policy()
      .execute('read', ({ signal }) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      })
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await done;
    expect(TransientError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('read timed out after 5s');
    expect(seen?.aborted).toBe(true);
  });

  it('ends at once with the caller reason when the caller cancels mid-call', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const done = policy()
      .execute(
        'read',
        ({ signal }) => {
          seen = signal;
          return new Promise<never>(() => undefined);
        },
        { signal: controller.signal },
      )
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new DOMException('stopped', 'AbortError'));
    expect(await done).toMatchObject({ name: 'AbortError', message: 'stopped' });
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call that answers leaves no timer armed and its signal untouched; so does one that throws before returning a promise', async () => {
    let seen: AbortSignal | undefined;
    await expect(
      policy().execute('read', async ({ signal }) => {
        seen = signal;
        return 'ok';
      }),
    ).resolves.toBe('ok');
    expect(seen?.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const thrown = await policy()
      .execute('read', (() => {
        throw new TypeError('bad argument');
      }) as never)
      .catch((caught: unknown) => caught);
    expect((thrown as Error).message).toBe('bad argument');
    expect(vi.getTimerCount()).toBe(0);
  });
});
