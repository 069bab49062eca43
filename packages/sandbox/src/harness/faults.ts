/** A fault the emulator injects into matching requests instead of (or before) answering normally. */
export type Fault =
  /** Answer with this status and the vendor's error body (429 carries Retry-After). */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; message?: string }
  /** Delay the answer. */
  | { kind: 'latency'; ms: number }
  /** Destroy the socket without answering (ECONNRESET on the client). */
  | { kind: 'reset' }
  /** Refuse the credentials as expired or invalid (401 with the vendor's body). */
  | { kind: 'auth'; message?: string }
  /** Let the request through but fail the batch items for which `match` returns true. */
  | { kind: 'partial'; match: (item: unknown, index: number) => boolean; reason?: string };

export interface FaultRule {
  /** Route name(s) to affect; every route when omitted. */
  route?: string | string[] | RegExp;
  /** How many matching requests to affect; unlimited when omitted. */
  times?: number;
  /** Skip this many matching requests first (fail the 3rd call: after: 2). */
  after?: number;
  fault: Fault;
}

interface ActiveRule extends FaultRule {
  seen: number;
  applied: number;
}

/** The fault rules of one emulator, consumed in the order they were added. */
export class FaultInjector {
  readonly #rules: ActiveRule[] = [];

  inject(rule: FaultRule): this {
    this.#rules.push({ ...rule, seen: 0, applied: 0 });
    return this;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** The faults that apply to one request on `route`, counting it against each rule. */
  take(route: string): Fault[] {
    const faults: Fault[] = [];
    for (const rule of this.#rules) {
      if (!matches(rule.route, route)) continue;
      rule.seen += 1;
      if (rule.after !== undefined && rule.seen <= rule.after) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied += 1;
      faults.push(rule.fault);
    }
    return faults;
  }
}

function matches(selector: FaultRule['route'], route: string): boolean {
  if (selector === undefined) return true;
  if (typeof selector === 'string') return selector === route;
  if (Array.isArray(selector)) return selector.includes(route);
  return selector.test(route);
}
