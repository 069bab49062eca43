import { writeResultOf } from '@automl/connector-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contacts, startHubSpot, type HubSpotFixture } from './test-support/hubspot-test-setup.js';

describe('HubSpot calls that time out or are cancelled', () => {
  let fixture: HubSpotFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('an upsert that timed out and lands late never overwrites a later row naming the same key', async () => {
    fixture = await startHubSpot({}, { requestTimeoutSeconds: 0.3 });
    const { emulator, connector } = fixture;
    // The first upsert is held 1 s: the client gives up at 0.3 s and retries; the held original
    // still reaches the portal afterwards, as a request HubSpot received would.
    emulator.faults.inject({ route: 'objects.batchUpsert', times: 1, fault: { kind: 'latency', ms: 1000 } });
    const rows = [...contacts(100).map((row) => ({ ...row, firstname: 'first value' })), { email: 'person0@example.com', firstname: 'last value' }];
    const result = await connector.writeCrmData(rows, { destination: 'contacts' });
    expect(result).toMatchObject({ received: 101, written: 101, failed: [] });
    // Every upsert sent has been answered (the held one, its retry, the batch naming person0 again).
    await vi.waitFor(() => expect(emulator.requestsTo('objects.batchUpsert')).toHaveLength(3), { timeout: 10_000 });
    const person0 = emulator.portal.listObjects('contacts').filter((record) => record.properties.email === 'person0@example.com');
    expect(person0).toHaveLength(1);
    expect(person0[0]!.properties.firstname).toBe('last value');
    expect(emulator.portal.countObjects('contacts')).toBe(100);
  });

  it('a create that timed out but landed is reported created, not failed', async () => {
    fixture = await startHubSpot({}, { requestTimeoutSeconds: 0.3 });
    const { emulator, connector } = fixture;
    emulator.faults.inject({ route: 'objects.batchCreate', times: 1, fault: { kind: 'latency', ms: 1000 } });
    const result = await connector.writeCrmData(contacts(10), { destination: 'contacts', updateExisting: false });
    expect(result).toMatchObject({ received: 10, written: 10, created: 10, failed: [] });
    // Never retried: one create, applied once.
    expect(emulator.requestsTo('objects.batchCreate')).toHaveLength(1);
    expect(emulator.portal.countObjects('contacts')).toBe(10);
  });

  it('a cancelled read stops its HTTP request', async () => {
    fixture = await startHubSpot();
    const { emulator, connector } = fixture;
    emulator.portal.seedObjects('contacts', contacts(10));
    // Properties are read once per connection: done here, so the read below makes one request only.
    await connector.readAll({ table: 'contacts', maxRows: 1 });
    emulator.clearLog();
    emulator.faults.inject({ route: 'objects.list', times: 1, fault: { kind: 'latency', ms: 1000 } });
    const controller = new AbortController();
    const reading = connector.readAll({ table: 'contacts', signal: controller.signal });
    reading.catch(() => undefined);
    await vi.waitFor(() => expect(emulator.peakConcurrentRequests).toBe(1), { timeout: 10_000 });
    controller.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    // The emulator sees the client hang up before its (delayed) answer.
    await vi.waitFor(() => expect(emulator.requestsTo('objects.list')).toHaveLength(1), { timeout: 10_000 });
    expect(emulator.requestsTo('objects.list')[0]).toMatchObject({ abandoned: true });
  });

  it('writeCrmData honours its signal: a cancel mid-write stops pulling rows, lets the batches in flight answer, and reports exactly what the portal holds', async () => {
    fixture = await startHubSpot({}, {});
    const { emulator, connector } = fixture;
    const controller = new AbortController();
    let pulled = 0;
    async function* rows() {
      for (const row of contacts(1000)) {
        pulled += 1;
        if (pulled === 250) controller.abort();
        yield row;
      }
    }
    const error = await connector.writeCrmData(rows(), { destination: 'contacts', signal: controller.signal }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    const partial = writeResultOf(error);
    expect(pulled).toBeLessThan(1000);
    expect(partial?.received).toBeLessThanOrEqual(pulled);
    expect((partial?.written ?? 0) + (partial?.failed.length ?? 0)).toBe(partial?.received);
    expect(partial?.written).toBeGreaterThan(0);
    expect(partial?.failed.every((failure) => failure.code === 'SKIPPED')).toBe(true);
    expect(emulator.portal.countObjects('contacts')).toBe(partial?.written);
  });
});
