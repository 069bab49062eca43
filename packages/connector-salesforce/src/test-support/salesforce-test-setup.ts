import type { ConnectorOptions, Row } from '@automl/connector-core';
import { createSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from '@automl/sandbox/salesforce';
import { SalesforceConnector } from '../salesforce-connector.js';

/** Fast policy for tests: no client-side limiter, tiny backoffs, a short per-request timeout. */
export const fastPolicy = { requestsPerMinute: 0, maxRetries: 3, retryBackoffSeconds: 0.001, maxBackoffSeconds: 0.01, requestTimeoutSeconds: 5 };

/** The emulator's Connected App and user as connector config (refresh-token flow unless overridden). */
export function oauthConfig(emulator: SalesforceEmulator): Record<string, unknown> {
  return {
    loginUrl: emulator.url,
    clientId: emulator.credentials.clientId,
    clientSecret: emulator.credentials.clientSecret,
    refreshToken: emulator.refreshToken,
  };
}

/** A connector with the access token and instance URL of the specification, pointed at the emulator. */
export function tokenConfig(emulator: SalesforceEmulator): Record<string, unknown> {
  return { apiKey: emulator.token, instanceUrl: emulator.url };
}

export async function startSalesforce(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const emulator = createSalesforceEmulator(options);
  await emulator.start();
  return emulator;
}

export function connectorFor(emulator: SalesforceEmulator, config: Record<string, unknown> = {}, options: ConnectorOptions = {}): SalesforceConnector {
  return new SalesforceConnector(
    { ...tokenConfig(emulator), ...oauthConfig(emulator), ...fastPolicy, ...config },
    { metricsRegistry: null, environment: false, ...options },
  );
}

export function contacts(count: number, start = 0): Array<Row & { External_Id__c: string; LastName: string; FirstName: string; Email: string }> {
  return Array.from({ length: count }, (_, offset) => {
    const number = start + offset;
    return { External_Id__c: `ext-${number}`, LastName: `Last${number}`, FirstName: `First${number}`, Email: `person${number}@example.com` };
  });
}
