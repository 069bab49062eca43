import { EmulatorServer } from '../harness/emulator-server.js';
import type { Route } from '../harness/types.js';
import { PipedriveCompany } from './pipedrive-company.js';
import { pipedriveEntityRoutes } from './pipedrive-entity-routes.js';
import { pipedriveError, pipedriveErrorResponse } from './pipedrive-error-bodies.js';
import { pipedriveFieldRoutes } from './pipedrive-field-routes.js';
import { pipedriveLeadRoutes } from './pipedrive-lead-routes.js';
import type { PipedriveEntity } from './pipedrive-fields.js';
import { TokenBudget, type TokenCostKind } from './pipedrive-token-budget.js';

/** The token the emulator accepts when none are configured. Obviously not a real API token. */
export const pipedriveSandboxToken = 'pipedrive-sandbox-emulator-token-0000';

export interface PipedriveEmulatorOptions {
  /** API tokens the company accepts (each is its own burst-limit principal). */
  tokens?: string[];
  /** Requests per window per token, answered with Pipedrive's 429 past it: 20 per 2 s (the lowest plan) by default; false for none. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** The company's daily token budget (30,000 by default: one seat of the lowest plan, unverified). */
  dailyBudget?: number;
  /** Token cost per kind of call, over the defaults of `defaultTokenCosts`. */
  tokenCosts?: Partial<Record<TokenCostKind, number>>;
  /** How long a person write takes to show in search results (0 by default). */
  searchLagMs?: number;
  /** Most items one v2 page returns (Pipedrive: 500). */
  pageSizeMax?: number;
  /** Whether `GET /v1/leads` honours `updated_since` (the client 33.7.0 spec has it; older API references list no such parameter). True by default. */
  leadsHonourUpdatedSince?: boolean;
  companyId?: number;
  verbose?: boolean;
}

export interface PipedriveEmulator extends EmulatorServer {
  company: PipedriveCompany;
  budget: TokenBudget;
  /** The first accepted token. */
  token: string;
  /** Fixture contract: records of `table` (persons, organizations, deals..., leads) from plain rows, see `PipedriveCompany.seed` / `seedLeads`. */
  seed(table: PipedriveEntity | 'leads', rows: Array<Record<string, unknown>>): void;
  /** How many records `table` holds now. */
  count(table: PipedriveEntity | 'leads'): number;
  /** When each authenticated request arrived (before faults and handling), since the start or the last reset. */
  arrivals: number[];
  /** Empties the company, the budget, the rate windows, the faults, the request log and the arrivals. */
  reset(): void;
}

const mutating = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A local Pipedrive company speaking the v1 fields / users API and the v2 persons, organizations and
 * deals API (and activities, products; v1 leads) over HTTP, with the `x-api-token` header, cursor paging, custom fields under hash keys,
 * strict v2 body validation, a lagging person search, the burst limit per token with Pipedrive's
 * `x-ratelimit-*` headers and 429, and a daily token budget. The official `pipedrive` client works
 * against it with only `basePath` changed (`${url}/v1`, `${url}/api/v2`).
 */
export function createPipedriveEmulator(options: PipedriveEmulatorOptions = {}): PipedriveEmulator {
  const company = new PipedriveCompany(options.companyId, options.searchLagMs ?? 0);
  const budget = new TokenBudget(options.dailyBudget ?? 30_000, options.tokenCosts);
  const tokens = options.tokens ?? [pipedriveSandboxToken];
  const principals = new Map(tokens.map((token, index) => [token, `token-${index + 1}`]));
  const rateLimit = options.rateLimit === false ? undefined : (options.rateLimit ?? { limit: 20, windowMs: 2000 });
  // The request log dates a request when it is answered; a slow one from an earlier test could land in
  // a later test's log. Arrivals are dated when the request comes in, and emptied by reset().
  const arrivals: number[] = [];

  // x-daily-requests-left: Pipedrive documents it on POST and PUT responses only.
  const withBudgetHeader = (route: Route): Route => ({
    ...route,
    handler: async (request) => {
      const response = await route.handler(request);
      if (mutating.has(request.method)) response.headers = { 'x-daily-requests-left': String(budget.remaining), ...response.headers };
      return response;
    },
  });

  const server = new EmulatorServer({
    name: 'pipedrive',
    routes: [
      ...pipedriveEntityRoutes(company, { pageSizeMax: options.pageSizeMax ?? 500 }),
      ...pipedriveFieldRoutes(company),
      ...pipedriveLeadRoutes(company, { honourUpdatedSince: options.leadsHonourUpdatedSince ?? true }),
    ].map(withBudgetHeader),
    errorResponse: (status, message) => pipedriveErrorResponse(status, message),
    authenticate: (request) => {
      // The header is what the docs require; api_token in the query still works on the live API.
      const header = request.headers['x-api-token'];
      const token = (Array.isArray(header) ? header[0] : header) ?? request.url.searchParams.get('api_token') ?? undefined;
      const principal = token === undefined ? undefined : principals.get(token);
      if (!principal) return pipedriveError(401, 'unauthorized access');
      arrivals.push(Date.now());
      if (!budget.charge(request.route)) {
        const response = pipedriveError(429, 'Daily token budget exceeded', { code: 'daily_token_budget_exceeded' });
        response.headers = { 'x-daily-requests-left': '0', 'retry-after': String(budget.secondsUntilReset()) };
        return response;
      }
      return { principal };
    },
    ...(rateLimit
      ? {
          rateLimit: {
            ...rateLimit,
            headers: ({ limit, remaining, windowMs }) => ({
              'x-ratelimit-limit': String(limit),
              'x-ratelimit-remaining': String(remaining),
              'x-ratelimit-reset': String(Math.ceil(windowMs / 1000)),
            }),
          },
        }
      : {}),
    state: { export: () => company.export(), import: (data) => company.import(data) },
    verbose: options.verbose,
  });

  return Object.assign(server, {
    company,
    budget,
    token: tokens[0] ?? pipedriveSandboxToken,
    seed: (table: PipedriveEntity | 'leads', rows: Array<Record<string, unknown>>) => {
      if (table === 'leads') company.seedLeads(rows);
      else company.seed(table, rows);
    },
    count: (table: PipedriveEntity | 'leads') => (table === 'leads' ? company.leads.count() : company.count(table)),
    arrivals,
    reset: () => {
      arrivals.length = 0;
      company.reset();
      budget.reset();
      server.rateWindow?.reset();
      server.faults.clear();
      server.clearLog();
    },
  });
}
