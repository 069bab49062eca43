import { maxTimerDelayMs } from './wait.js';

const neverAborted = new AbortController().signal;

export interface CallScope {
  /** Aborts when the caller's signal does or the deadline passes. */
  signal: AbortSignal;
  deadline: number | undefined;
  dispose(): void;
}

/**
 * The signal every wait and attempt of one call listens to: the caller's signal, and the caller's
 * deadline as if it were `AbortSignal.timeout` (a TimeoutError). Without either, a shared signal
 * that never aborts, so the hot path of a read allocates nothing.
 */
export function callScope(signal: AbortSignal | undefined, deadline: number | undefined): CallScope {
  if (deadline === undefined || !Number.isFinite(deadline)) return { signal: signal ?? neverAborted, deadline: undefined, dispose: () => undefined };
  const controller = new AbortController();
  const expire = () => controller.abort(new DOMException('The call passed its deadline', 'TimeoutError'));
  const follow = () => controller.abort(signal?.reason);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return expire();
    // A deadline beyond what a timer holds is re-armed in steps instead of firing at once.
    timer = setTimeout(remaining > maxTimerDelayMs ? arm : expire, Math.min(remaining, maxTimerDelayMs));
  };
  if (signal?.aborted) follow();
  else {
    signal?.addEventListener('abort', follow, { once: true });
    arm();
  }
  return {
    signal: controller.signal,
    deadline,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', follow);
    },
  };
}
