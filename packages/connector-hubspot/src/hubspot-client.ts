import { Client } from '@hubspot/api-client';

/** The slices of the SDK the connector uses, built once per connection. */
export interface HubSpotApis {
  objects: Client['crm']['objects']['basicApi'];
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
  return {
    objects: client.crm.objects.basicApi,
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
