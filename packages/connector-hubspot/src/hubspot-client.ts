import { Client } from '@hubspot/api-client';
import { apiRequestWithoutSdkDecorators } from './hubspot-api-request.js';

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
  objects: Client['crm']['objects']['basicApi'];
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
 * (with retries, say) cannot slip its decorators into ours.
 */
export function createHubSpotApis(accessToken: string, baseUrl: string | undefined): HubSpotApis {
  const client = new Client({
    accessToken,
    numberOfApiCallRetries: 0,
    ...(baseUrl ? { basePath: baseUrl.replace(/\/+$/, '') } : {}),
  });
  const objects = client.crm.objects.basicApi;
  return {
    objects,
    listPage: (objectType, limit, after, properties) => {
      // `properties` as the comma-separated list HubSpot documents, commas left unencoded: the
      // shortest URL (the generated getPage repeats `properties=` per name, 12 more characters each).
      let query = `limit=${limit}&archived=false`;
      if (after) query += `&after=${encodeURIComponent(after)}`;
      if (properties.length > 0) query += `&properties=${properties.map(encodeURIComponent).join(',')}`;
      return requestJson<HubSpotListPage['data']>(client, { method: 'GET', path: `/crm/v3/objects/${encodeURIComponent(objectType)}?${query}` });
    },
    batch: client.crm.objects.batchApi,
    properties: client.crm.properties.coreApi,
    schemas: client.crm.schemas.coreApi,
    accountDetails: async () => (await requestJson<AccountDetails>(client, { method: 'GET', path: '/account-info/v3/details' })).data,
  };
}

/**
 * A request through the SDK's `apiRequest` (its auth, base path and transport; none of the SDK's
 * process-wide decorators, see hubspot-api-request.ts), answered as parsed
 * JSON and headers. A non-2xx answer throws the same shape as the SDK's ApiException (`code`, parsed
 * `body`, `headers`), so one classifier reads the errors of every call.
 */
async function requestJson<T>(client: Client, options: NonNullable<Parameters<Client['apiRequest']>[0]>): Promise<{ data: T; headers: Record<string, string> }> {
  const response = await apiRequestWithoutSdkDecorators(client, options);
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!response.ok) throw Object.assign(new Error(`HTTP-Code: ${response.status}`), { code: response.status, body, headers });
  if (body === undefined || typeof body !== 'object') {
    // A 2xx that is not HubSpot's JSON (a proxy's page, say): a plain error, never retried.
    throw new Error(`HubSpot answered ${options.path ?? 'a request'} with ${response.status} and a body that is not JSON`);
  }
  return { data: body as T, headers };
}
