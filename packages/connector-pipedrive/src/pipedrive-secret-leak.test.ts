import { inspect } from 'node:util';
import { Secret } from '@automl/connector-core';
import { LeakProbe } from '@automl/connector-core/testing';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PipedriveClient } from './pipedrive-client.js';
import { type PipedriveFixture, scoredRows, startPipedrive } from './test-support/pipedrive-test-setup.js';

describe('the Pipedrive API token never shows', () => {
  let fixture: PipedriveFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('not in inspect, JSON, errors, logs or metrics, through failures of every kind, nor in a URL', async () => {
    const token = 'pd-token-0123456789abcdef-secret';
    const wrong = 'pd-token-wrong-9876543210-secret';
    const probe = new LeakProbe();
    const registry = new Registry();
    fixture = await startPipedrive({ tokens: [token] }, { requestTimeoutSeconds: 0.3, maxRetries: 1 }, { logger: probe.logger, metricsRegistry: registry });
    const { emulator, connector } = fixture;
    emulator.company.addField('persons', 'churn_risk', 'double');
    emulator.company.addField('persons', 'segment', 'varchar');
    emulator.seed('persons', scoredRows(3));

    probe.capture(connector);
    probe.capture(JSON.stringify(connector));
    probe.capture(new PipedriveClient({ baseUrl: fixture.url, apiKey: new Secret(token) }));
    await probe.run(() => connector.readAll({ table: 'persons' }));
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'reset' } });
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'status', status: 502 } });
    emulator.faults.inject({ route: 'persons.update', times: 1, fault: { kind: 'latency', ms: 600 } });
    await probe.run(() => connector.writeCrmData(scoredRows(6), { destination: 'persons' }));
    emulator.faults.inject({ route: 'persons.list', fault: { kind: 'auth' } });
    await probe.run(() => connector.readAll({ table: 'persons' }));
    emulator.faults.clear();
    await probe.run(() => connector.testConnection());
    const refused = fixture.another({ apiKey: wrong });
    await probe.run(() => refused.readAll({ table: 'persons' }));
    await probe.run(() => refused.testConnection());
    probe.capture(refused);
    probe.emitted.push(await registry.metrics());

    expect(probe.emitted.length).toBeGreaterThan(10);
    expect(probe.leaks([token, wrong])).toEqual([]);
    expect(emulator.requests.length).toBeGreaterThan(10);
    for (const request of emulator.requests) expect(`${request.path}${request.query}`).not.toContain(token);
    expect(inspect(connector, { depth: 10, showHidden: true })).not.toContain(token);
  });
});
