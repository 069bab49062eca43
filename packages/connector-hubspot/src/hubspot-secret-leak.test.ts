import { inspect } from 'node:util';
import { Registry } from 'prom-client';
import { createHubSpotEmulator, type HubSpotEmulator } from '@automl/sandbox/hubspot';
import { afterEach, describe, expect, it } from 'vitest';
import { HubSpotConnector } from './hubspot-connector.js';
import { contacts, fastPolicy } from './test-support/hubspot-test-setup.js';

const token = 'pat-test-leakcheck-ZZZ-secret';

describe('HubSpotConnector never leaks its token', () => {
  const emulators: HubSpotEmulator[] = [];
  afterEach(async () => {
    for (const emulator of emulators.splice(0)) await emulator.stop();
  });

  it('keeps the token out of errors, inspection, serialisation, logs and metrics', async () => {
    const lines: string[] = [];
    const capture = (level: string) => (object: Record<string, unknown>, message?: string) => lines.push(`${level} ${JSON.stringify(object)} ${message ?? ''}`);
    const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
    const registry = new Registry();
    const errors: unknown[] = [];
    const collect = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => errors.push(error),
      );

    // A portal that knows the token, without the deals scopes (for a 403).
    const portal = createHubSpotEmulator({
      rateLimit: false,
      tokens: [{ token, scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write', 'crm.schemas.custom.read'] }],
    });
    emulators.push(portal);
    const url = await portal.start();
    portal.portal.seedObjects('contacts', contacts(5));
    const connector = new HubSpotConnector({ apiKey: token, baseUrl: url, ...fastPolicy, maxRetries: 2 }, { logger, metricsRegistry: registry });

    // Succeeding operations.
    expect((await connector.testConnection()).ok).toBe(true);
    await connector.listTables();
    await connector.fetchCrmData('contacts');
    const written = await connector.writeCrmData(
      contacts(3).map((row) => ({ ...row, churn_risk: 0.4 })),
      { destination: 'contacts', createMissingProperties: true },
    );
    expect(written.written).toBe(3);
    // Failing ones: 403, 429 and 5xx exhausted, a bad property, a per-row failure.
    await collect(connector.fetchCrmData('deals'));
    portal.faults.inject({ route: 'objects.list', times: 3, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    await collect(connector.fetchCrmData('contacts'));
    portal.faults.inject({ route: 'objects.list', times: 3, fault: { kind: 'status', status: 500 } });
    await collect(connector.fetchCrmData('contacts'));
    // A property the portal lacks fails the batch's rows (the write goes on), with HubSpot's reason.
    const unknownProperty = await connector.writeCrmData([{ email: 'x@example.com', no_such_property: 1 }], { destination: 'contacts' });
    expect(unknownProperty.failed[0]).toMatchObject({ code: 'PROPERTY_DOESNT_EXIST' });
    lines.push(inspect(unknownProperty, { depth: 6 }), JSON.stringify(unknownProperty));
    const partial = await connector.writeCrmData([{ email: 'bad-email' }], { destination: 'contacts' });
    expect(partial.failed).toHaveLength(1);

    // A 401 with the token taken from the environment instead of the config.
    const stranger = createHubSpotEmulator({ rateLimit: false });
    emulators.push(stranger);
    const strangerUrl = await stranger.start();
    const saved = process.env.HUBSPOT_API_KEY;
    process.env.HUBSPOT_API_KEY = token;
    const fromEnvironment = new HubSpotConnector({ baseUrl: strangerUrl, ...fastPolicy }, { logger, metricsRegistry: registry });
    try {
      await collect(fromEnvironment.fetchCrmData('contacts'));
      const tested = await fromEnvironment.testConnection();
      expect(tested.ok).toBe(false);
      lines.push(JSON.stringify(tested));
    } finally {
      if (saved === undefined) delete process.env.HUBSPOT_API_KEY;
      else process.env.HUBSPOT_API_KEY = saved;
    }

    expect(errors.map((error) => (error as Error).name)).toEqual(['PermissionError', 'RateLimitError', 'TransientError', 'AuthenticationError']);
    const surfaces = [
      ...errors.flatMap((error) => [String((error as Error).message), String((error as Error).stack), inspect(error, { depth: 10 }), JSON.stringify(error)]),
      inspect(connector, { depth: 10 }),
      JSON.stringify(connector),
      inspect(fromEnvironment, { depth: 10 }),
      JSON.stringify(fromEnvironment),
      JSON.stringify(written),
      JSON.stringify(partial),
      ...lines,
      await registry.metrics(),
    ];
    expect(lines.length).toBeGreaterThan(0);
    expect(await registry.metrics()).toContain('ml_connectors_requests_total');
    for (const surface of surfaces) expect(surface).not.toContain(token);
    expect(surfaces.join('\n')).not.toContain('leakcheck');
    await connector.close();
    await fromEnvironment.close();
  });
});
