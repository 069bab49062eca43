/**
 * The longest delay a Node timer takes: past 2^31 - 1 ms, setTimeout warns (TimeoutOverflowWarning)
 * and fires after 1 ms instead, so a limiter told to wait until 2099 would wake hundreds of times
 * a second. Every wait in the policy goes through `wait`, which never hands a timer more than this.
 */
export const maxTimerDelayMs = 2 ** 31 - 1;

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. Uses the global
 * setTimeout (not node:timers/promises) so tests can drive every wait of the policy with fake timers.
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const delay = Number.isFinite(ms) ? Math.min(Math.max(0, ms), maxTimerDelayMs) : maxTimerDelayMs;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
