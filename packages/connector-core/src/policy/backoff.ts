import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { ConnectorError } from '../errors/connector-error.js';

export interface BackoffOptions {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random) that never waits less than the
 * server asked for: when the failure carries `retryAfterMs` (Retry-After or a vendor header), that
 * is the floor of the delay. cockatiel's ExponentialBackoff cannot see the failure, so this small
 * factory replaces it and is otherwise used exactly like it.
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
    const duration = Math.max(jittered, Math.min(asked, maxDelayMs * 5));
    return { duration, next: (nextContext) => this.next(nextContext) };
  }
}
