import { describe, expect, it } from 'vitest';
import { ResiliencePolicy, policySettingsFrom } from './resilience-policy.js';
import { parseConnectionConfig } from '../config/parse-connection-config.js';

const policy = (overrides: Record<string, unknown> = {}) =>
  new ResiliencePolicy(
    policySettingsFrom(
      parseConnectionConfig(
        { connectionType: 'hubspot', requestsPerMinute: 0, requestTimeoutSeconds: 0.05, maxRetries: 2, retryBackoffSeconds: 0.001, ...overrides },
        'hubspot',
        { environment: false },
      ),
    ),
  );

describe('settleAbandoned: a timed-out write is answered before the call ends', () => {
  it('retries the timed-out attempt but resolves only once the abandoned one has landed, without aborting it', async () => {
    const order: string[] = [];
    let firstSignal: AbortSignal | undefined;
    const result = await policy().execute(
      'write',
      async ({ attempt, signal }) => {
        if (attempt === 1) {
          firstSignal = signal;
          await new Promise((resolve) => setTimeout(resolve, 150));
          order.push('first landed');
          return 'first';
        }
        order.push('retry answered');
        return 'retry';
      },
      { settleAbandoned: true },
    );
    order.push('call ended');
    expect(result).toBe('retry');
    expect(order).toEqual(['retry answered', 'first landed', 'call ended']);
    expect(firstSignal?.aborted).toBe(false);
  });

  it('without it, the timed-out attempt is aborted and the call ends at once', async () => {
    const order: string[] = [];
    let firstSignal: AbortSignal | undefined;
    await policy().execute('write', async ({ attempt, signal }) => {
      if (attempt === 1) {
        firstSignal = signal;
        await new Promise((resolve) => setTimeout(resolve, 150));
        order.push('first landed');
        return 'first';
      }
      order.push('retry answered');
      return 'retry';
    });
    order.push('call ended');
    expect(order).toEqual(['retry answered', 'call ended']);
    expect(firstSignal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
