import { allHubSpotScopes } from '@automl/sandbox/hubspot';
import { afterEach, describe, expect, it } from 'vitest';
import { HubSpotConnector } from './hubspot-connector.js';
import { contacts, fastPolicy, startHubSpot, type HubSpotFixture } from './test-support/hubspot-test-setup.js';

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Record<string, unknown>,
  );

describe('HubSpotConnector errors and their hints', () => {
  let fixture: HubSpotFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('asks for a token when neither apiKey nor HUBSPOT_API_KEY is set', async () => {
    const saved = process.env.HUBSPOT_API_KEY;
    delete process.env.HUBSPOT_API_KEY;
    try {
      const connector = new HubSpotConnector({ baseUrl: 'http://127.0.0.1:9' }, { metricsRegistry: null });
      expect(await failureOf(connector.connect())).toMatchObject({ name: 'ConfigError', hint: expect.stringContaining('HUBSPOT_API_KEY') });
    } finally {
      if (saved !== undefined) process.env.HUBSPOT_API_KEY = saved;
    }
  });

  it('reads the token from HUBSPOT_API_KEY', async () => {
    fixture = await startHubSpot();
    const saved = process.env.HUBSPOT_API_KEY;
    process.env.HUBSPOT_API_KEY = fixture.emulator.token;
    try {
      const connector = new HubSpotConnector({ baseUrl: fixture.url, ...fastPolicy }, { metricsRegistry: null });
      expect(await connector.testConnection()).toMatchObject({ ok: true });
      await connector.close();
    } finally {
      if (saved === undefined) delete process.env.HUBSPOT_API_KEY;
      else process.env.HUBSPOT_API_KEY = saved;
    }
  });

  it('hints that private-app tokens start with "pat-" on a 401', async () => {
    fixture = await startHubSpot({}, { apiKey: 'legacy-api-key-123456' });
    const failure = await failureOf(fixture.connector.fetchCrmData('contacts', { limit: 1 }));
    expect(failure).toMatchObject({ name: 'AuthenticationError', status: 401, code: 'INVALID_AUTHENTICATION', retryable: false });
    expect(failure?.hint).toMatch(/does not start with "pat-".*start with "pat-"/s);
    const tested = await fixture.connector.testConnection();
    expect(tested).toMatchObject({ ok: false, error: { name: 'AuthenticationError', hint: expect.stringContaining('pat-') } });
  });

  it('names the missing scope on a 403', async () => {
    fixture = await startHubSpot({ tokens: [{ token: 'pat-test-companies-only', scopes: ['crm.objects.companies.read'] }] });
    const failure = await failureOf(fixture.connector.fetchCrmData('contacts', { limit: 1 }));
    expect(failure).toMatchObject({ name: 'PermissionError', status: 403, code: 'MISSING_SCOPES', hint: expect.stringContaining('crm.objects.contacts.read') });
  });

  it('lists the standard objects when the token cannot read custom-object schemas', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (_: unknown, message?: string) => warnings.push(message ?? ''), error() {} };
    fixture = await startHubSpot(
      { tokens: [{ token: 'pat-test-guide-scopes', scopes: allHubSpotScopes.filter((scope) => scope.startsWith('crm.objects.')) }] },
      {},
      { logger },
    );
    expect(await fixture.connector.listTables()).toEqual(['contacts', 'companies', 'deals']);
    expect(warnings.join('\n')).toMatch(/crm\.schemas\.custom\.read/);
  });

  it('names the schema scope when creating properties is forbidden', async () => {
    fixture = await startHubSpot({ tokens: [{ token: 'pat-test-no-schema-write', scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'] }] });
    const failure = await failureOf(
      fixture.connector.writeCrmData([{ email: 'a@example.com', churn_risk: 0.3 }], { destination: 'contacts', createMissingProperties: true }),
    );
    expect(failure).toMatchObject({ name: 'PermissionError', hint: expect.stringContaining('crm.schemas.contacts.write') });
  });

  it('gives up on a persistent 429 with the retry hint, and treats the daily limit as a quota', async () => {
    fixture = await startHubSpot();
    fixture.emulator.faults.inject({ route: 'objects.list', times: 4, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    const throttled = await failureOf(fixture.connector.fetchCrmData('contacts'));
    expect(throttled).toMatchObject({ name: 'RateLimitError', status: 429, hint: expect.stringContaining('retried with exponential backoff') });
    expect(fixture.emulator.requestsTo('objects.list', 429)).toHaveLength(4);

    fixture.emulator.faults.inject({ route: 'objects.list', times: 1, fault: { kind: 'status', status: 429, message: 'daily' } });
    const daily = await failureOf(fixture.connector.fetchCrmData('contacts'));
    expect(daily).toMatchObject({ name: 'QuotaError', retryable: false, hint: expect.stringContaining('daily') });
    expect(fixture.emulator.requestsTo('objects.list', 429)).toHaveLength(5);
  });

  it('gives up on a persistent 5xx as a transient error', async () => {
    fixture = await startHubSpot();
    fixture.emulator.faults.inject({ route: 'objects.list', fault: { kind: 'status', status: 503 } });
    const failure = await failureOf(fixture.connector.fetchCrmData('contacts'));
    expect(failure).toMatchObject({ name: 'TransientError', status: 503, hint: expect.stringContaining('temporary failure') });
  });

  it('explains unknown objects, unknown properties and bad upsert keys', async () => {
    fixture = await startHubSpot();
    expect(await failureOf(fixture.connector.fetchCrmData('spaceships'))).toMatchObject({
      name: 'NotFoundError',
      hint: expect.stringContaining('listTables()'),
    });
    expect(await failureOf(fixture.connector.fetchCrmData('contacts', { properties: ['emial'] }))).toMatchObject({
      name: 'DataError',
      message: expect.stringContaining('emial'),
    });
    expect(await failureOf(fixture.connector.writeCrmData(contacts(1), { destination: 'companies' }))).toMatchObject({
      name: 'ConfigError',
      hint: expect.stringContaining('idProperty'),
    });
    expect(await failureOf(fixture.connector.write(contacts(1), { mode: 'overwrite' }))).toMatchObject({ name: 'UnsupportedOperationError' });
  });
});
