import { EmulatorServer } from '../harness/emulator-server.js';
import { hubSpotError, hubSpotErrorResponse } from './hubspot-error-bodies.js';
import { hubSpotObjectRoutes } from './hubspot-object-routes.js';
import { HubSpotPortal } from './hubspot-portal.js';
import { hubSpotSchemaRoutes } from './hubspot-schema-routes.js';
import { allHubSpotScopes, requiredScopes } from './hubspot-scopes.js';

/** The token the emulator accepts when none are configured. Obviously not a real private-app token. */
export const hubSpotSandboxToken = 'pat-sandbox-emulator-token';

export interface HubSpotEmulatorOptions {
  /** Private-app tokens the portal accepts, with their scopes (all scopes when omitted). */
  tokens?: Array<{ token: string; scopes?: string[] }>;
  /** Requests per window per app, answered with HubSpot's 429 past it: 100 per 10 s by default; false for none. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** Daily allowance shown in X-HubSpot-RateLimit-Daily (250,000 on the lowest tier). */
  dailyLimit?: number;
  /** Most records per list page (HubSpot: 100). */
  pageSizeMax?: number;
  /** Most inputs per batch call (HubSpot: 100). */
  batchInputMax?: number;
  portalId?: number;
  verbose?: boolean;
  /**
   * Longest request URL (path and query) answered; longer ones get 414 URI Too Long. HubSpot
   * publishes no figure; integrations report 414s on list reads asking for every property of busy
   * portals from about 8 KB of URL (some measured ~16 KB). 8,192 by default, the stricter reading.
   */
  maxUrlLength?: number;
}

export type HubSpotEmulator = EmulatorServer & { portal: HubSpotPortal; token: string; reset(): void };

/**
 * A local HubSpot portal speaking CRM v3 over HTTP: objects (list, read, batch read/create/update/
 * upsert), properties, custom-object schemas, bearer private-app tokens with scopes, HubSpot's error
 * bodies and X-HubSpot-RateLimit-* headers, and a 429 past the configured rate. The official
 * @hubspot/api-client works against it with only `basePath` changed.
 */
export function createHubSpotEmulator(options: HubSpotEmulatorOptions = {}): HubSpotEmulator {
  const portal = new HubSpotPortal(options.portalId);
  const tokens = options.tokens ?? [{ token: hubSpotSandboxToken }];
  const scopesByToken = new Map(
    tokens.map((entry, index) => [entry.token, { principal: `app-${index + 1}`, scopes: new Set(entry.scopes ?? allHubSpotScopes) }]),
  );
  const rateLimit = options.rateLimit === false ? undefined : (options.rateLimit ?? { limit: 100, windowMs: 10_000 });
  const dailyLimit = options.dailyLimit ?? 250_000;
  let dailyUsed = 0;

  const server = new EmulatorServer({
    name: 'hubspot',
    routes: [
      ...hubSpotObjectRoutes(portal, { pageSizeMax: options.pageSizeMax ?? 100, batchInputMax: options.batchInputMax ?? 100 }),
      ...hubSpotSchemaRoutes(portal),
      {
        method: 'GET',
        path: '/account-info/v3/details',
        name: 'account.details',
        handler: () => ({
          status: 200,
          body: {
            portalId: portal.portalId,
            accountType: 'STANDARD',
            timeZone: 'Europe/Paris',
            companyCurrency: 'EUR',
            uiDomain: 'app.hubspot.com',
            dataHostingLocation: 'eu1',
          },
        }),
      },
    ],
    errorResponse: (status, message) => hubSpotErrorResponse(status, message),
    maxUrlLength: options.maxUrlLength ?? 8192,
    authenticate: (request) => {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
      const app = token === undefined ? undefined : scopesByToken.get(token);
      if (!app) return hubSpotErrorResponse(401, 'unauthenticated');
      const needed = requiredScopes(request, portal);
      if (needed.length > 0 && !needed.some((scope) => app.scopes.has(scope))) {
        return hubSpotError(
          403,
          'MISSING_SCOPES',
          "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
          {
            errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: needed } }],
            links: { scopes: 'https://developers.hubspot.com/scopes' },
          },
        );
      }
      return { principal: app.principal };
    },
    ...(rateLimit
      ? {
          rateLimit: {
            ...rateLimit,
            headers: ({ limit, remaining, windowMs }) => {
              dailyUsed += 1;
              return {
                'x-hubspot-ratelimit-interval-milliseconds': String(windowMs),
                'x-hubspot-ratelimit-max': String(limit),
                'x-hubspot-ratelimit-remaining': String(remaining),
                'x-hubspot-ratelimit-daily': String(dailyLimit),
                'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, dailyLimit - dailyUsed)),
              };
            },
          },
        }
      : {}),
    state: { export: () => portal.export(), import: (data) => portal.import(data) },
    verbose: options.verbose,
  });
  return Object.assign(server, {
    portal,
    token: tokens[0]?.token ?? hubSpotSandboxToken,
    /** Empties the portal (records, custom objects, properties back to the defaults), faults, the request log and the quota windows. */
    reset(): void {
      portal.clear();
      server.faults.clear();
      server.clearLog();
      server.rateWindow?.reset();
      dailyUsed = 0;
      server.saveState();
    },
  });
}
