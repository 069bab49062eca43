import { QuotaError } from '../errors/connector-error.js';

/** The longest a quota refusal may close the gate: a daily budget resets within a day (plus time zones). */
export const maxQuotaClosedMs = 2 * 24 * 3_600_000;

/**
 * Fails calls fast while a quota the server said is exhausted (a daily budget, with the time of its
 * reset) stays exhausted: sending them would only spend requests on refusals (and, for some vendors,
 * more of the budget). Closed by a QuotaError that carries `retryAfterMs`; open again at that time.
 * Shared by every policy of one quota (see shared-limiters.ts), like the rate limiter.
 */
export class QuotaGate {
  #closedUntil = 0;
  #reason: QuotaError | undefined;

  /** Closes the gate until `retryAfterMs` from now, when the error says when the quota refills. */
  close(error: QuotaError, now = Date.now()): void {
    const wait = error.retryAfterMs;
    if (wait === undefined || !Number.isFinite(wait) || wait <= 0) return;
    const until = now + Math.min(wait, maxQuotaClosedMs);
    if (until > this.#closedUntil) {
      this.#closedUntil = until;
      this.#reason = error;
    }
  }

  /** The refusal for a call made now, or undefined when the gate is open. */
  refusal(connector: string, operation: string, now = Date.now()): QuotaError | undefined {
    const reason = this.#reason;
    if (!reason || now >= this.#closedUntil) return undefined;
    const remainingMs = this.#closedUntil - now;
    return new QuotaError({
      message: `${reason.message} (not sent: the quota is exhausted until ${new Date(this.#closedUntil).toISOString()})`,
      connector,
      operation,
      retryable: false,
      retryAfterMs: remainingMs,
      ...(reason.status === undefined ? {} : { status: reason.status }),
      ...(reason.code === undefined ? {} : { code: reason.code }),
      ...(reason.hint === undefined ? {} : { hint: reason.hint }),
    });
  }
}
