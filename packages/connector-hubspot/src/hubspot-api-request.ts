import type { Client } from '@hubspot/api-client';
import { createRequire } from 'node:module';

/**
 * The SDK's request builder (`Request`: base path, auth header, user agent, JSON body), which its
 * own `apiRequest` uses too. `apiRequest` itself cannot be cancelled (it hands fetch no signal) and
 * runs the SDK's process-wide decorators (a Bottleneck limiter and a retrier another Client of the
 * application may have installed), so the connector builds the request with the SDK and sends it
 * with fetch and a signal: a cancelled read stops its HTTP request, and core's policy stays the only
 * limiter and retrier. The class is not in the SDK's public exports; the dependency's version range
 * and the tests hold it.
 */
interface SdkRequest {
  getUrl(): URL;
  getSendData(): { method: string; headers: Record<string, string>; body?: string };
}
type SdkRequestClass = new (config: Client['config'], options: { method?: string; path?: string; body?: unknown }) => SdkRequest;

const sdkRequire = createRequire(import.meta.url);
const { Request } = sdkRequire('@hubspot/api-client/lib/src/services/http/Request') as { Request: SdkRequestClass };

export interface HubSpotRequest {
  method: 'GET' | 'POST';
  /** Path and query, from the base path: `/crm/v3/objects/contacts?limit=100`. */
  path: string;
  /** A JSON body (serialised by the SDK's request builder). */
  body?: unknown;
}

/** An answer as parsed JSON with its headers (lower-case names). */
export interface HubSpotAnswer<T> {
  data: T;
  headers: Record<string, string>;
}

/**
 * One request, answered as parsed JSON and headers. A non-2xx answer throws the shape of the SDK's
 * ApiException (`code`, parsed `body`, `headers`), so one classifier reads the errors of every call.
 * `signal` aborts the HTTP request itself.
 */
export async function requestHubSpotJson<T>(client: Client, request: HubSpotRequest, signal?: AbortSignal): Promise<HubSpotAnswer<T>> {
  const built = new Request(client.config, { method: request.method, path: request.path, ...(request.body !== undefined ? { body: request.body } : {}) });
  const response = await fetch(built.getUrl(), { ...built.getSendData(), ...(signal ? { signal } : {}) });
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
    throw new Error(`HubSpot answered ${request.path.split('?')[0]} with ${response.status} and a body that is not JSON`);
  }
  return { data: body as T, headers };
}
