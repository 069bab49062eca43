import { Client } from '@hubspot/api-client';
import { requestHubSpotJson } from './hubspot-api-request.js';

/** One page of GET /crm/v3/objects/{objectType}, as HubSpot sends it, with the response headers (rate-limit budget). */
export interface HubSpotListPage {
  headers: Record<string, string>;
  data: {
    /** `updatedAt` is HubSpot's ISO-8601 instant, as sent. */
    results: Array<{ id: string; properties: Record<string, string | null>; updatedAt: string }>;
    paging?: { next?: { after: string } };
  };
}

/** The slices of the SDK the connector uses, built once per connection. */
export interface HubSpotApis {
  /**
   * Lists one page of an object type (standard or custom) with the given properties, which the
   * caller keeps within the URL budget (hubspot-property-chunks.ts). Through the SDK's authenticated
   * transport (`apiRequest`), answered with the JSON as HubSpot sends it: the generated list APIs
   * would first turn every record into model class instances with Date fields, a third of a plain
   * SDK read's CPU, only for the connector to turn them into rows again.
   */
  listPage(objectType: string, limit: number, after: string | undefined, properties: readonly string[]): Promise<HubSpotListPage>;
  batch: Client['crm']['objects']['batchApi'];
  properties: Client['crm']['properties']['coreApi'];
  schemas: Client['crm']['schemas']['coreApi'];
  /** GET /account-info/v3/details (no typed API in the SDK): the portal id and hosting, for testConnection. */
  accountDetails(): Promise<AccountDetails>;
}

export interface AccountDetails {
  portalId: number;
  accountType?: string;
  timeZone?: string;
  dataHostingLocation?: string;
}

/**
 * Builds the official SDK client with its own throttling and retrying switched off, so core's
 * policy is the only limiter and the only retrier (two limiters would fight; two retriers would
 * multiply attempts):
 * - no `limiterOptions`: the SDK then installs no Bottleneck limiter at all;
 * - `numberOfApiCallRetries: 0`: no RetryDecorator (which would sleep 10 s on every 429).
 * The SDK keeps its decorators in a process-wide singleton that the latest `new Client()` sets and
 * that each API object picks up when it is first built. Every API object is therefore built here,
 * synchronously, right after the constructor, so another Client created later in the same process
 * (with retries, say) cannot slip its decorators into ours; the raw requests (list pages, account
 * details) set that singleton aside for their call (hubspot-api-request.ts).
 */
export function createHubSpotApis(accessToken: string, baseUrl: string | undefined): HubSpotApis {
  const client = new Client({
    accessToken,
    numberOfApiCallRetries: 0,
    ...(baseUrl ? { basePath: baseUrl.replace(/\/+$/, '') } : {}),
  });
  return {
    listPage: (objectType, limit, after, properties) => {
      // `properties` as the comma-separated list HubSpot documents, commas left unencoded: the
      // shortest URL (the generated getPage repeats `properties=` per name, 12 more characters each).
      let query = `limit=${limit}&archived=false`;
      if (after) query += `&after=${encodeURIComponent(after)}`;
      if (properties.length > 0) query += `&properties=${properties.map(encodeURIComponent).join(',')}`;
      return requestHubSpotJson<HubSpotListPage['data']>(client, { method: 'GET', path: `/crm/v3/objects/${encodeURIComponent(objectType)}?${query}` });
    },
    batch: client.crm.objects.batchApi,
    properties: client.crm.properties.coreApi,
    schemas: client.crm.schemas.coreApi,
    accountDetails: async () => (await requestHubSpotJson<AccountDetails>(client, { method: 'GET', path: '/account-info/v3/details' })).data,
  };
}
