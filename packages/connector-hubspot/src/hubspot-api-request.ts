import type { Client } from '@hubspot/api-client';
import { createRequire } from 'node:module';

/**
 * The SDK keeps its decorators (a Bottleneck limiter, a retrier) in a process-wide singleton that
 * the latest `new Client()` sets. The generated APIs take them when they are built (which the
 * connector does right after building its own client, with none), but `apiRequest` takes them at
 * every call: a Client the application builds later with `limiterOptions` would put its limiter in
 * front of the connector's requests, a second limiter fighting core's. So the singleton's
 * decorators are set aside for the one synchronous moment `apiRequest` reads them, then put back:
 * the application's own client keeps its decorators. The service is not in the SDK's public
 * exports; the version range of the dependency and a test (hubspot-resilience.test.ts) hold it.
 */
interface DecoratorService {
  decorators: unknown[];
  setDecorators(decorators: unknown[]): void;
}

const sdkRequire = createRequire(import.meta.url);
const decoratorService = (sdkRequire('@hubspot/api-client/lib/src/services/ApiDecoratorService') as {
  default: { getInstance(): DecoratorService };
}).default;

type ApiRequestOptions = NonNullable<Parameters<Client['apiRequest']>[0]>;

/** `client.apiRequest(options)` with no decorator but the connector's own client's (none). */
function apiRequestWithoutSdkDecorators(client: Client, options: ApiRequestOptions): Promise<Response> {
  const service = decoratorService.getInstance();
  const current = service.decorators;
  service.setDecorators([]);
  try {
    return client.apiRequest(options);
  } finally {
    service.setDecorators(current);
  }
}

/**
 * A request through the SDK's `apiRequest` (its auth, base path and transport, none of its
 * process-wide decorators), answered as parsed JSON and headers. A non-2xx answer throws the same
 * shape as the SDK's ApiException (`code`, parsed `body`, `headers`), so one classifier reads the
 * errors of every call.
 */
export async function requestHubSpotJson<T>(client: Client, options: ApiRequestOptions): Promise<{ data: T; headers: Record<string, string> }> {
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
    throw new Error(`HubSpot answered ${options.path?.split('?')[0] ?? 'a request'} with ${response.status} and a body that is not JSON`);
  }
  return { data: body as T, headers };
}
