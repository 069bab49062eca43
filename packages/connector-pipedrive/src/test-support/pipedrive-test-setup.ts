import type { ConnectorOptions } from '@automl/connector-core';
import { createPipedriveEmulator, type PipedriveEmulator, type PipedriveEmulatorOptions } from '@automl/sandbox/pipedrive';
import { PipedriveConnector } from '../pipedrive-connector.js';

export interface PipedriveFixture {
  emulator: PipedriveEmulator;
  url: string;
  connector: PipedriveConnector;
  /** Another connector on the same emulator (a second run of a job). */
  another(config?: Record<string, unknown>): PipedriveConnector;
  close(): Promise<void>;
}

/** Fast policy settings for tests: a generous window, tiny backoffs. */
export const fastPolicy = { requestsPerMinute: 60_000, rateLimitWindowSeconds: 1, maxRetries: 3, retryBackoffSeconds: 0.001, maxBackoffSeconds: 0.01 };

/** An emulated company (no server-side burst limit unless asked) and a connector pointed at it. */
export async function startPipedrive(
  emulatorOptions: PipedriveEmulatorOptions = {},
  config: Record<string, unknown> = {},
  options: ConnectorOptions = {},
): Promise<PipedriveFixture> {
  const emulator = createPipedriveEmulator({ rateLimit: false, dailyBudget: 10_000_000, ...emulatorOptions });
  const url = await emulator.start();
  const connectors: PipedriveConnector[] = [];
  const another = (extra: Record<string, unknown> = {}) => {
    const connector = new PipedriveConnector(
      { apiKey: emulator.token, baseUrl: url, ...fastPolicy, ...config, ...extra },
      { metricsRegistry: null, environment: false, ...options },
    );
    connectors.push(connector);
    return connector;
  };
  return {
    emulator,
    url,
    connector: another(),
    another,
    close: async () => {
      for (const connector of connectors) await connector.close();
      await emulator.stop();
    },
  };
}

/** Persons rows as a scoring job writes them back. */
export function scoredRows(count: number, start = 0, version = 1): Array<Record<string, string | number>> {
  return Array.from({ length: count }, (_, offset) => {
    const number = start + offset;
    return {
      email: `person${number}@example.com`,
      churn_risk: Math.round((number * 7 + version * 3) % 100) / 100,
      segment: version % 2 === 0 ? 'even' : 'odd',
    };
  });
}
