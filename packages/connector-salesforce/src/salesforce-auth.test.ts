import { hints } from '@automl/connector-core';
import type { SalesforceEmulator } from '@automl/sandbox/salesforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceConnector } from './salesforce-connector.js';
import { fastPolicy, startSalesforce } from './test-support/salesforce-test-setup.js';

describe('Salesforce authentication', () => {
  let emulator: SalesforceEmulator;
  beforeEach(async () => {
    emulator = await startSalesforce();
    emulator.seed('Contact', [{ LastName: 'One' }]);
  });
  afterEach(() => emulator.stop());

  const app = () => ({ loginUrl: emulator.url, clientId: emulator.credentials.clientId, clientSecret: emulator.credentials.clientSecret });
  const connector = (config: Record<string, unknown>) => new SalesforceConnector({ ...fastPolicy, ...config }, { metricsRegistry: null, environment: false });
  const restRoutes = /^(rest|collections|bulk|tooling)\./;

  it('takes the access token and instance URL from the specification variables, with a trailing slash stripped', async () => {
    const fromEnvironment = new SalesforceConnector(
      { ...fastPolicy },
      { metricsRegistry: null, environment: { SALESFORCE_API_KEY: emulator.token, SALESFORCE_INSTANCE_URL: `${emulator.url}/` } },
    );
    expect(await fromEnvironment.readAll({ table: 'Contact', columns: ['LastName'] })).toEqual([{ LastName: 'One' }]);
    expect(emulator.requests.every((request) => !request.path.startsWith('//'))).toBe(true);
    expect(emulator.requestsTo('rest.query')[0]!.path).toBe('/services/data/v62.0/query');
    const result = await fromEnvironment.testConnection();
    expect(result).toMatchObject({ ok: true, identity: emulator.url, details: { apiVersion: '62.0', dailyApiRequestsMax: 100_000 } });
    await fromEnvironment.close();
  });

  it('logs in with the password grant, appending the security token, and renews the same way', async () => {
    const { username, password, securityToken } = emulator.credentials;
    const subject = connector({ ...app(), username, password, securityToken, apiVersion: '60.0' });
    expect(await subject.readAll({ table: 'Contact', columns: ['LastName'] })).toHaveLength(1);
    emulator.sessions.expireSessions();
    expect(await subject.readAll({ table: 'Contact', columns: ['LastName'] })).toHaveLength(1);
    expect(emulator.sessions.grants).toEqual([
      { grantType: 'password', ok: true },
      { grantType: 'password', ok: true },
    ]);
    expect(emulator.requestsTo('rest.query')[0]!.path).toBe('/services/data/v60.0/query');
    await subject.close();
  });

  it("answers a wrong security token with the specification's invalid-grant hint, not retried", async () => {
    const subject = connector({ ...app(), username: emulator.credentials.username, password: emulator.credentials.password, securityToken: 'WRONG' });
    const error = await subject.readAll({ table: 'Contact' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AuthenticationError', code: 'invalid_grant', hint: hints.salesforceInvalidGrant });
    expect(emulator.sessions.grants).toHaveLength(1);
    const result = await subject.testConnection();
    expect(result).toMatchObject({ ok: false, error: { name: 'AuthenticationError', hint: hints.salesforceInvalidGrant } });
  });

  it('gets tokens by client credentials, recommended over the password flow', async () => {
    const subject = connector({ ...app(), oauthFlow: 'client-credentials' });
    expect(await subject.readAll({ table: 'Contact', columns: ['LastName'] })).toHaveLength(1);
    expect(emulator.sessions.grants).toEqual([{ grantType: 'client_credentials', ok: true }]);
    await subject.close();
  });

  it('renews an expired session once per failed call; a revoked refresh token is an AuthenticationError', async () => {
    const subject = connector({ ...app(), refreshToken: emulator.refreshToken, apiKey: emulator.token, instanceUrl: emulator.url });
    emulator.sessions.expireSessions();
    await Promise.all([1, 2, 3].map(() => subject.readAll({ table: 'Contact', columns: ['Id'] })));
    // Three concurrent calls saw the same expired token: one refresh.
    expect(emulator.sessions.grants).toEqual([{ grantType: 'refresh_token', ok: true }]);
    emulator.sessions.expireSessions();
    emulator.sessions.revokeRefreshTokens();
    const error = await subject.readAll({ table: 'Contact' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AuthenticationError', code: 'invalid_grant' });
    expect((error as { hint: string }).hint).toMatch(/refresh token is expired or revoked/);
    await subject.close();
  });

  it('caps renewals when the org keeps refusing new tokens: one per call, three a minute (jsforce loops forever)', async () => {
    const subject = connector({ ...app(), refreshToken: emulator.refreshToken, apiKey: emulator.token, instanceUrl: emulator.url });
    emulator.faults.inject({ route: restRoutes, fault: { kind: 'auth' } });
    const first = await subject.readAll({ table: 'Contact' }).catch((caught: unknown) => caught);
    expect(first).toMatchObject({ name: 'AuthenticationError', code: 'INVALID_SESSION_ID' });
    expect((first as { hint: string }).hint).toContain(hints.salesforceSessionExpired);
    expect(emulator.sessions.grants).toHaveLength(1);
    for (let call = 0; call < 4; call += 1) await subject.readAll({ table: 'Contact' }).catch(() => undefined);
    expect(emulator.sessions.grants).toHaveLength(3);
    await subject.close();
  });

  it('with an access token alone, an expired session says to configure a refresh', async () => {
    const subject = connector({ apiKey: emulator.token, instanceUrl: emulator.url });
    emulator.sessions.expireSessions();
    const error = await subject.readAll({ table: 'Contact' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AuthenticationError', code: 'INVALID_SESSION_ID' });
    expect((error as { hint: string }).hint).toMatch(/refreshToken/);
    expect(emulator.sessions.grants).toHaveLength(0);
  });

  it('refuses a config without credentials or an instance URL before any request', async () => {
    const none = await connector({})
      .readAll({ table: 'Contact' })
      .catch((caught: unknown) => caught);
    expect(none).toMatchObject({ name: 'ConfigError', message: 'Salesforce access-token authentication needs apiKey' });
    const noInstance = await connector({ apiKey: 'not-a-real-session-id' })
      .readAll({ table: 'Contact' })
      .catch((caught: unknown) => caught);
    expect(noInstance).toMatchObject({ name: 'ConfigError', message: 'Salesforce needs the instance URL with an access token' });
    const noSecret = await connector({ loginUrl: emulator.url, clientId: 'id', refreshToken: 'r' })
      .readAll({ table: 'Contact' })
      .catch((caught: unknown) => caught);
    expect(noSecret).toMatchObject({ name: 'ConfigError', message: 'Salesforce refresh-token authentication needs clientSecret' });
    expect(emulator.requests).toHaveLength(0);
  });
});
