import type { Fault, FaultInjector } from './faults.js';

/** The faults core's shared conformance suite asks for (structurally the same as its ConformanceFault). */
export type ConformanceFaultRequest =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error' }
  | { kind: 'reset' }
  | { kind: 'late-landing'; ms: number }
  | { kind: 'expired-credential' };

/**
 * Adapts an HTTP emulator's fault injector to the conformance suite's fixture: which routes are
 * reads and which are writes, and how each requested fault is played (the vendor's own 429, 503,
 * a reset socket, an answer delayed after the write was applied, a 401 from then on).
 */
export function conformanceFaults(injector: FaultInjector, routes: { read: string | string[] | RegExp; write: string | string[] | RegExp }) {
  return {
    inject(fault: ConformanceFaultRequest, on: 'read' | 'write', times?: number): void {
      const route = routes[on];
      const played: Fault =
        fault.kind === 'rate-limit'
          ? { kind: 'status', status: 429, retryAfterSeconds: fault.retryAfterSeconds }
          : fault.kind === 'server-error'
            ? { kind: 'status', status: 503 }
            : fault.kind === 'reset'
              ? { kind: 'reset' }
              : fault.kind === 'late-landing'
                ? { kind: 'latency', ms: fault.ms }
                : { kind: 'auth' };
      // An expired credential stays expired; the others hit the next matching request(s).
      const count = fault.kind === 'expired-credential' ? undefined : (times ?? 1);
      injector.inject({ route, ...(count !== undefined ? { times: count } : {}), fault: played });
    },
    clear(): void {
      injector.clear();
    },
  };
}
