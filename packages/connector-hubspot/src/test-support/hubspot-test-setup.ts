import { createHubSpotEmulator, type HubSpotEmulator, type HubSpotEmulatorOptions } from '@automl/sandbox/hubspot';
import type { ConnectorOptions } from '@automl/connector-core';
import { HubSpotConnector } from '../hubspot-connector.js';

export interface HubSpotFixture {
  emulator: HubSpotEmulator;
  url: string;
  connector: HubSpotConnector;
  close(): Promise<void>;
}

/** Fast policy settings for tests: a generous 1 s window, tiny backoffs. */
export const fastPolicy = { requestsPerMinute: 60_000, rateLimitWindowSeconds: 1, maxRetries: 3, retryBackoffSeconds: 0.01, maxBackoffSeconds: 0.05 };

/** An emulated portal (no server-side rate limit unless asked) and a connector pointed at it. */
export async function startHubSpot(
  emulatorOptions: HubSpotEmulatorOptions = {},
  config: Record<string, unknown> = {},
  options: ConnectorOptions = {},
): Promise<HubSpotFixture> {
  const emulator = createHubSpotEmulator({ rateLimit: false, ...emulatorOptions });
  const url = await emulator.start();
  const connector = new HubSpotConnector({ apiKey: emulator.token, baseUrl: url, ...fastPolicy, ...config }, { metricsRegistry: null, ...options });
  return {
    emulator,
    url,
    connector,
    close: async () => {
      await connector.close();
      await emulator.stop();
    },
  };
}

export function contacts(count: number, start = 0): Array<Record<string, string | number>> {
  return Array.from({ length: count }, (_, offset) => {
    const number = start + offset;
    return { email: `person${number}@example.com`, firstname: `First${number}`, lastname: `Last${number}` };
  });
}
