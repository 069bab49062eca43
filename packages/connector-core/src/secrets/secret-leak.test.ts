import { createRecordsApiEmulator } from '@automl/sandbox';
import { Registry, register as globalRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionConfig } from '../config/parse-connection-config.js';
import { createConnector } from '../factory/create-connector.js';
import { RecordsConnector } from '../test-support/records-connector.js';
import { LeakProbe } from '../testing/leak-probe.js';

// Distinctive values that cannot appear by chance: any occurrence in output is a leak.
const apiKey = 'records-test-token';
const otherSecrets = {
  password: 'Pa55-LEAKCHECK-mongo-7f3a',
  token: 'databricks-LEAKCHECK-token-99c1',
  uri: 'mongodb://analyst:Uri-LEAKCHECK-pass@127.0.0.1:1/db',
};

describe('no secret leaves the library', () => {
  const emulator = createRecordsApiEmulator({ token: apiKey });
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('in errors, logs, inspect, JSON and metrics, across succeeding and failing operations', async () => {
    const probe = new LeakProbe();
    const registry = new Registry();
    const options = { metricsRegistry: registry, logger: probe.logger };
    const good = new RecordsConnector({ apiKey, baseUrl, maxRetries: 1, retryBackoffSeconds: 0.01 }, options);
    emulator.records.set('a', { key: 'a' });

    // Succeeding operations.
    await probe.run(() => good.readAll());
    await probe.run(() => good.write([{ key: 'b' }], { mode: 'upsert' }));
    await probe.run(() => good.testConnection());
    // Failing ones: refused credentials (the key is in the request), exhausted retries, a reset.
    const wrongKey = `${apiKey}-WRONG-LEAKCHECK`;
    const refused = new RecordsConnector({ apiKey: wrongKey, baseUrl, maxRetries: 0 }, options);
    await probe.run(() => refused.readAll());
    await probe.run(() => refused.testConnection());
    emulator.faults.inject({ route: 'list', times: 2, fault: { kind: 'status', status: 503 } });
    await probe.run(() => good.readAll());
    emulator.faults.inject({ route: 'list', times: 2, fault: { kind: 'reset' } });
    await probe.run(() => good.readAll());
    // An error whose vendor message echoes the credential (some SDKs put the request URL in it).
    const echoing = new RecordsConnector({ apiKey, baseUrl: 'http://127.0.0.1:9', maxRetries: 0, requestTimeoutSeconds: 2 }, options);
    await probe.run(() => echoing.readAll());
    // A bad config, with secrets in the wrong places.
    await probe.run(async () =>
      parseConnectionConfig({ connectionType: 'mongodb', password: otherSecrets.password, port: 'x', connection_uri: otherSecrets.uri }),
    );
    await probe.run(async () => createConnector({ connectionType: 'databricks', token: otherSecrets.token, bogus: 1 }));
    await probe.run(async () => createConnector({ connectionType: 'databricks', token: otherSecrets.token }));

    probe.capture(good);
    probe.capture(refused);
    probe.capture(parseConnectionConfig({ connectionType: 'mongodb', password: otherSecrets.password, connectionUri: otherSecrets.uri }));
    probe.emitted.push(await registry.metrics());

    expect(probe.emitted.length).toBeGreaterThan(20);
    expect(probe.emitted.join('\n')).toContain('[REDACTED]');
    expect(probe.leaks([apiKey, wrongKey, ...Object.values(otherSecrets), 'Uri-LEAKCHECK-pass'])).toEqual([]);
  });

  it('metrics go to the registry given, never to prom-client global registry', async () => {
    const registry = new Registry();
    const connector = new RecordsConnector({ apiKey, baseUrl }, { metricsRegistry: registry });
    await connector.readAll();
    expect(await registry.metrics()).toContain('ml_connectors_requests_total{connector="pipedrive",operation="read",outcome="success"} 1');
    expect(await globalRegistry.metrics()).not.toContain('ml_connectors');
  });

  it('logs nothing unless a logger is given', async () => {
    const writes: string[] = [];
    const originalWrite = process.stderr.write.bind(process.stderr);
    const originalLog = console.log;
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    console.log = (...parts: unknown[]) => writes.push(parts.join(' '));
    try {
      const connector = new RecordsConnector({ apiKey: 'wrong-token-x', baseUrl, maxRetries: 0 }, { metricsRegistry: null });
      await connector.readAll().catch(() => undefined);
    } finally {
      process.stderr.write = originalWrite;
      console.log = originalLog;
    }
    expect(writes).toEqual([]);
  });
});
