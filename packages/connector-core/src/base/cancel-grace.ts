import { maxTimerDelayMs } from '../policy/wait.js';

/** The longest a cancelled write waits for its batches in flight to be answered. */
export const maxCancelGraceMs = 30_000;

export interface GraceSignal {
  /** Aborts (with the caller's reason) `graceMs` after the caller's signal does. */
  signal: AbortSignal;
  dispose(): void;
}

/**
 * The signal a write's batches run under. When the caller cancels, core stops pulling input and
 * sends nothing more, but a batch already sent is let to answer: aborting an HTTP request does not
 * un-send it, so its rows would end "cancelled, may or may not be stored" though the system stored
 * them, and a report built from the result would no longer match the system. Only a batch still
 * unanswered `graceMs` after the cancel is aborted (its rows then end CANCELLED).
 */
export function graceAfter(signal: AbortSignal, graceMs: number): GraceSignal {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expire = () => controller.abort(signal.reason);
  const start = () => {
    timer = setTimeout(expire, Math.min(maxTimerDelayMs, Math.max(0, graceMs)));
  };
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', start);
    },
  };
}
