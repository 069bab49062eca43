import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { untilAborted, wait } from './wait.js';

export interface CircuitGateOptions {
  /** Consecutive failed calls that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before one call may probe the system. */
  halfOpenAfterMs: number;
  /** Which final failures say "the system is unwell" (a 429 is the system working). */
  isFailure: (error: unknown) => boolean;
}

export interface GateCallOptions {
  signal?: AbortSignal;
  /** A Date.now() timestamp: a wait for the circuit that would end later is not started. */
  deadline?: number;
}

/**
 * cockatiel's circuit breaker, with what a batch job needs on top: a call refused by an open circuit
 * waits for it to half-open (once, within the caller's deadline and signal) instead of failing at
 * once, and a call arriving while the half-open probe runs waits for the probe's outcome without
 * ignoring its signal (cockatiel's own wait for the probe cannot be cancelled).
 *
 * A short outage then costs the calls that meet it a wait, not a failure: when the circuit
 * half-opens, one call probes; if it succeeds the circuit closes and the waiting calls go through.
 * A call refused a second time (the probe failed, the circuit opened again) fails with the
 * circuit-open error, so a long outage still ends every call within one half-open period.
 */
export class CircuitGate {
  readonly #breaker: CircuitBreakerPolicy;
  readonly #halfOpenAfterMs: number;
  #openedAt = 0;

  constructor(options: CircuitGateOptions) {
    this.#halfOpenAfterMs = options.halfOpenAfterMs;
    this.#breaker = circuitBreaker(handleWhen(options.isFailure), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold),
    });
    this.#breaker.onBreak(() => {
      this.#openedAt = Date.now();
    });
  }

  get state(): CircuitState {
    return this.#breaker.state;
  }

  /** When the open circuit lets a probe through (a Date.now() timestamp); 0 when it is not open. */
  get halfOpensAt(): number {
    return this.#breaker.state === CircuitState.Open ? this.#openedAt + this.#halfOpenAfterMs : 0;
  }

  async execute<T>(run: () => Promise<T>, options: GateCallOptions = {}): Promise<T> {
    const { signal, deadline } = options;
    let waited = false;
    for (;;) {
      await this.#probeSettled(signal);
      try {
        return await this.#breaker.execute(run);
      } catch (error) {
        if (!(error instanceof BrokenCircuitError) || waited) throw error;
        const halfOpensAt = this.#openedAt + this.#halfOpenAfterMs;
        if (deadline !== undefined && halfOpensAt > deadline) throw error;
        waited = true;
        await wait(halfOpensAt - Date.now(), signal);
      }
    }
  }

  /** Waits while a half-open probe is running, until it closes or reopens the circuit. */
  async #probeSettled(signal?: AbortSignal): Promise<void> {
    if (this.#breaker.state !== CircuitState.HalfOpen) return;
    const settled = Promise.withResolvers<void>();
    const listener = this.#breaker.onStateChange((state) => {
      if (state !== CircuitState.HalfOpen) settled.resolve();
    });
    try {
      await untilAborted(settled.promise, signal);
    } finally {
      listener.dispose();
    }
  }
}
