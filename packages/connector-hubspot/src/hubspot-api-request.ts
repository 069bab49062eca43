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
export function apiRequestWithoutSdkDecorators(client: Client, options: ApiRequestOptions): Promise<Response> {
  const service = decoratorService.getInstance();
  const current = service.decorators;
  service.setDecorators([]);
  try {
    return client.apiRequest(options);
  } finally {
    service.setDecorators(current);
  }
}
