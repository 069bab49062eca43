import { inspect } from 'node:util';
import { CRMConnector } from '@automl/connector-core';
import { LeakProbe } from '@automl/connector-core/testing';
import type { SalesforceEmulator } from '@automl/sandbox/salesforce';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceConnector } from './salesforce-connector.js';
import { contacts, fastPolicy, startSalesforce } from './test-support/salesforce-test-setup.js';

describe('Salesforce secrets and the CRM facade', () => {
  let emulator: SalesforceEmulator;
  beforeEach(async () => {
    emulator = await startSalesforce();
  });
  afterEach(() => emulator.stop());

  it('never shows a token, password, security token or client secret: errors, logs, inspect, JSON, metrics', async () => {
    const probe = new LeakProbe();
    const registry = new Registry();
    const { username, password, securityToken, clientId, clientSecret } = emulator.credentials;
    const secrets = [password, securityToken, clientSecret, emulator.refreshToken, emulator.token, password + securityToken];
    const options = { metricsRegistry: registry, logger: probe.logger, environment: false as const };
    const good = new SalesforceConnector(
      { ...fastPolicy, loginUrl: emulator.url, clientId, clientSecret, refreshToken: emulator.refreshToken, apiKey: emulator.token, instanceUrl: emulator.url },
      options,
    );
    emulator.faults.inject({ route: 'collections.upsert', times: 2, fault: { kind: 'status', status: 503 } });
    await probe.run(() => good.write(contacts(3), { table: 'Contact', keyColumn: 'External_Id__c' }));
    emulator.sessions.expireSessions();
    emulator.sessions.revokeRefreshTokens();
    await probe.run(() => good.readAll({ table: 'Contact' }));
    probe.capture(good);
    probe.capture(inspect(good, { depth: 10, showHidden: true }));
    const wrong = new SalesforceConnector(
      { ...fastPolicy, loginUrl: emulator.url, clientId, clientSecret, username, password, securityToken: 'WRONGTOKEN' },
      options,
    );
    await probe.run(() => wrong.readAll({ table: 'Contact' }));
    await probe.run(() => wrong.testConnection());
    probe.capture(await registry.metrics());
    expect(probe.leaks(secrets)).toEqual([]);
    await good.close();
    await wrong.close();
  });

  it("serves CRMConnector({ crm_type: 'salesforce' }) with the specification's keys", async () => {
    emulator.seed('Contact', contacts(3));
    const crm = new CRMConnector(
      { crm_type: 'salesforce', api_key: emulator.token, instance_url: emulator.url, max_retries: 1, requests_per_minute: 0 },
      { metricsRegistry: null, environment: false },
    );
    const rows = await crm.fetchCrmData('contacts', { limit: 2, properties: ['Email'] });
    expect(rows).toEqual([{ Email: 'person0@example.com' }, { Email: 'person1@example.com' }]);
    const written = await crm.writeCrmData([{ External_Id__c: 'ext-0', Title: 'Churn risk: high' }], { destination: 'contacts', idProperty: 'External_Id__c' });
    expect(written).toMatchObject({ written: 1, updated: 1 });
    expect(emulator.count('Contact')).toBe(3);
    expect(await crm.listTables()).toContain('Contact');
    await crm.close();
  });
});
