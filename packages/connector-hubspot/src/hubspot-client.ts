import { Client } from '@hubspot/api-client';

/** The slices of the SDK the connector uses, built once per connection. */
/** One page of GET /crm/v3/objects/{objectType}, with the response headers (rate-limit budget). */
export interface HubSpotListPage {
  headers: Record<string, string>;
  data: {
    results: Array<{ id: string; properties: Record<string, string | null>; updatedAt: Date }>;
    paging?: { next?: { after: string } };
  };
}

export interface HubSpotApis {
  objects: Client['crm']['objects']['basicApi'];
  /**
   * Lists one page of an object type. The standard objects go through their own typed APIs, whose
   * deserialisation is measurably lighter than the generic objects API's (which models associations
   * the list never returns here); custom objects use the generic one.
   */
  listPage(objectType: string, limit: number, after: string | undefined, properties: string[]): Promise<HubSpotListPage>;
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
  // Each generated API has its own (structurally different) options type: keep only the call shape.
  type TypedList = (limit: number, after: string | undefined, properties: string[]) => Promise<HubSpotListPage>;
  const contacts = client.crm.contacts.basicApi;
  const companies = client.crm.companies.basicApi;
  const deals = client.crm.deals.basicApi;
  const typedLists: Record<string, TypedList> = {
    contacts: (limit, after, properties) => contacts.getPageWithHttpInfo(limit, after, properties, undefined, undefined, false),
    companies: (limit, after, properties) => companies.getPageWithHttpInfo(limit, after, properties, undefined, undefined, false),
    deals: (limit, after, properties) => deals.getPageWithHttpInfo(limit, after, properties, undefined, undefined, false),
  };
  const objects = client.crm.objects.basicApi;
  return {
    objects,
    listPage: (objectType, limit, after, properties) => {
      const typed = typedLists[objectType];
      return typed ? typed(limit, after, properties) : objects.getPageWithHttpInfo(objectType, limit, after, properties, undefined, undefined, false);
    },
    batch: client.crm.objects.batchApi,
    properties: client.crm.properties.coreApi,
    schemas: client.crm.schemas.coreApi,
    accountDetails: async () => {
      const response = await client.apiRequest({ method: 'GET', path: '/account-info/v3/details' });
      const text = await response.text();
      const body: unknown = text ? JSON.parse(text) : undefined;
      if (!response.ok) {
        // The same shape as the SDK's ApiException, so one classifier reads both.
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        throw Object.assign(new Error(`HTTP-Code: ${response.status}`), { code: response.status, body, headers });
      }
      return body as AccountDetails;
    },
  };
}
