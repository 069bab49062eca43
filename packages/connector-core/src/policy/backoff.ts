import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { ConnectorError } from '../errors/connector-error.js';
import { maxTimerDelayMs } from './wait.js';

const defaultMaxRetryAfterMs = 300_000;

export interface BackoffOptions {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /**
   * The longest server-requested wait (Retry-After) honoured in full; the policy fails a call whose
   * server asks for more before it gets here. 5 minutes when omitted.
   */
  maxRetryAfterMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random) that never waits less than the
 * server asked for: when the failure carries `retryAfterMs` (Retry-After or a vendor header), that
 * is the floor of the delay. cockatiel's ExponentialBackoff cannot see the failure, so this small
 * factory replaces it and is otherwise used exactly like it.
 *
 * The server's wait is honoured in full up to `maxRetryAfterMs`, whatever `maxDelayMs` says:
 * `maxDelayMs` bounds our own exponential growth, not what the server asked (retrying sooner only
 * earns another 429). No duration exceeds what a timer can hold (2^31 - 1 ms).
 */
export class JitteredBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly options: BackoffOptions) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const { initialDelayMs, factor, maxDelayMs } = this.options;
    const random = this.options.random ?? Math.random;
    const exponential = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, context.attempt - 1));
    const jittered = exponential / 2 + (random() * exponential) / 2;
    const failure = 'error' in context.result ? context.result.error : undefined;
    const asked = ConnectorError.isInstance(failure) ? (failure.retryAfterMs ?? 0) : 0;
    const duration = Math.min(maxTimerDelayMs, Math.max(jittered, Math.min(asked, this.options.maxRetryAfterMs ?? defaultMaxRetryAfterMs)));
    return { duration, next: (nextContext) => this.next(nextContext) };
  }
}
