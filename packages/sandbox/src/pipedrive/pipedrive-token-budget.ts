/**
 * The daily token budget of a company (Pipedrive's token-based rate limiting: each request costs
 * tokens from a daily allowance shared by every integration, reset at the start of the next day,
 * UTC here). Per-endpoint costs come from the OpenAPI's `x-token-cost`, which this machine could
 * not read: the defaults are the third-party transcriptions the vendor notes quote (v2 costs about
 * half of v1), and tests may set their own.
 */
export type TokenCostKind = 'get' | 'list' | 'listV1' | 'search' | 'create' | 'update' | 'fieldsV1' | 'fieldsV2' | 'fieldAdd' | 'me';

export const defaultTokenCosts: Record<TokenCostKind, number> = {
  get: 1,
  list: 10,
  listV1: 20,
  search: 20,
  create: 5,
  update: 5,
  fieldsV1: 20,
  fieldsV2: 10,
  fieldAdd: 10,
  me: 2,
};

/** The cost kind of a route by its name (`persons.list`, `personFields.add`, `users.me`). */
export function costKindOf(route: string): TokenCostKind {
  if (route === 'users.me') return 'me';
  // v1 lists (leads have no v2 endpoint) cost twice v2's.
  if (route.startsWith('leads.')) return 'listV1';
  const [, action] = route.split('.');
  if (route.includes('Fields')) return action === 'add' || action === 'addOptions' ? 'fieldAdd' : action === 'listV2' ? 'fieldsV2' : 'fieldsV1';
  switch (action) {
    case 'search':
      return 'search';
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'get':
      return 'get';
    default:
      return 'list';
  }
}

export class TokenBudget {
  readonly limit: number;
  readonly costs: Record<TokenCostKind, number>;
  #spent = 0;
  #day: string;

  constructor(limit: number, costs: Partial<Record<TokenCostKind, number>> = {}) {
    this.limit = limit;
    this.costs = { ...defaultTokenCosts, ...costs };
    this.#day = today();
  }

  /** Spends the cost of one request on `route`; false (nothing spent) when the budget cannot pay it. */
  charge(route: string): boolean {
    this.#rollOver();
    const cost = this.costs[costKindOf(route)];
    if (this.#spent + cost > this.limit) return false;
    this.#spent += cost;
    return true;
  }

  get spent(): number {
    this.#rollOver();
    return this.#spent;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.spent);
  }

  /** Uses up the budget (a test of the exhausted-budget path). */
  exhaust(): void {
    this.#spent = this.limit;
  }

  reset(): void {
    this.#spent = 0;
    this.#day = today();
  }

  /** Seconds until the budget resets (next UTC midnight). */
  secondsUntilReset(now = Date.now()): number {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
  }

  #rollOver(): void {
    if (today() !== this.#day) this.reset();
  }
}

const today = (): string => new Date().toISOString().slice(0, 10);
