import { Client } from '@hubspot/api-client';
import { requestHubSpotJson, type HubSpotAnswer } from './hubspot-api-request.js';
import type { BatchAnswer } from './hubspot-batch-result.js';

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
  listPage(objectType: string, limit: number, after: string | undefined, properties: readonly string[], signal?: AbortSignal): Promise<HubSpotListPage>;
  /**
   * POST /crm/v3/objects/{objectType}/batch/upsert or /batch/create: up to 100 inputs, answered 200,
   * or 207 with per-input errors. `signal` aborts the HTTP request.
   */
  batchWrite(objectType: string, kind: 'upsert' | 'create', inputs: readonly BatchInput[], signal?: AbortSignal): Promise<HubSpotAnswer<BatchAnswer>>;
  properties: Client['crm']['properties']['coreApi'];
  schemas: Client['crm']['schemas']['coreApi'];
  /** GET /account-info/v3/details (no typed API in the SDK): the portal id and hosting, for testConnection. */
  accountDetails(signal?: AbortSignal): Promise<AccountDetails>;
}

/** One input of a batch write, as HubSpot's API takes it. */
export interface BatchInput {
  properties: Record<string, string>;
  objectWriteTraceId: string;
  /** Upserts: the unique property matched on, and its value. */
  idProperty?: string;
  id?: string;
  /** Creates: none. */
  associations?: never[];
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
 * (with retries, say) cannot slip its decorators into ours. List pages, batch writes and account
 * details are built by the SDK's request builder and sent with fetch and a signal, without the
 * decorators (hubspot-api-request.ts).
 */
export function createHubSpotApis(accessToken: string, baseUrl: string | undefined): HubSpotApis {
  const client = new Client({
    accessToken,
    numberOfApiCallRetries: 0,
    ...(baseUrl ? { basePath: baseUrl.replace(/\/+$/, '') } : {}),
  });
  return {
    listPage: (objectType, limit, after, properties, signal) => {
      // `properties` as the comma-separated list HubSpot documents, commas left unencoded: the
      // shortest URL (the generated getPage repeats `properties=` per name, 12 more characters each).
      let query = `limit=${limit}&archived=false`;
      if (after) query += `&after=${encodeURIComponent(after)}`;
      if (properties.length > 0) query += `&properties=${properties.map(encodeURIComponent).join(',')}`;
      return requestHubSpotJson<HubSpotListPage['data']>(client, { method: 'GET', path: `/crm/v3/objects/${encodeURIComponent(objectType)}?${query}` }, signal);
    },
    batchWrite: async (objectType, kind, inputs, signal) => {
      const answer = await requestHubSpotJson<BatchAnswer & { results: Array<{ new?: boolean }> }>(
        client,
        { method: 'POST', path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/${kind}`, body: { inputs } },
        signal,
      );
      // The JSON says `new`; the mapping reads the SDK's name for it, `_new`.
      for (const result of answer.data.results ?? []) if (result.new !== undefined) (result as { _new?: boolean })._new = result.new;
      answer.data.results ??= [];
      return answer;
    },
    properties: client.crm.properties.coreApi,
    schemas: client.crm.schemas.coreApi,
    accountDetails: async (signal) => (await requestHubSpotJson<AccountDetails>(client, { method: 'GET', path: '/account-info/v3/details' }, signal)).data,
  };
}
