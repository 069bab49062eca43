import { Client } from '@hubspot/api-client';
import { afterEach, describe, expect, it } from 'vitest';
import { retryDelayFromHeaders } from './hubspot-rate-limit-headers.js';
import { contacts, startHubSpot, type HubSpotFixture } from './test-support/hubspot-test-setup.js';

describe('HubSpotConnector under throttling and failures', () => {
  let fixture: HubSpotFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('retries upserts after injected 429 and 5xx with no duplicate and no loss', async () => {
    fixture = await startHubSpot();
    fixture.emulator.faults.inject({ route: 'objects.batchUpsert', after: 1, times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    fixture.emulator.faults.inject({ route: 'objects.batchUpsert', after: 3, times: 2, fault: { kind: 'status', status: 503 } });
    fixture.emulator.faults.inject({ route: 'objects.batchUpsert', after: 6, times: 1, fault: { kind: 'reset' } });
    const result = await fixture.connector.writeCrmData(contacts(500), { destination: 'contacts', updateExisting: true });
    expect(result).toMatchObject({ received: 500, written: 500, created: 500, failed: [] });
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(500);
    const emails = fixture.emulator.portal.listObjects('contacts').map((record) => record.properties.email);
    expect(new Set(emails).size).toBe(500);
    expect(fixture.emulator.requestsTo('objects.batchUpsert').filter((request) => request.faulted)).toHaveLength(4);
  });

  it('retries a page read after a 5xx and a reset, reading every record once', async () => {
    fixture = await startHubSpot();
    fixture.emulator.portal.seedObjects('contacts', contacts(300));
    fixture.emulator.faults.inject({ route: 'objects.list', after: 1, times: 1, fault: { kind: 'status', status: 502 } });
    fixture.emulator.faults.inject({ route: 'objects.list', after: 3, times: 1, fault: { kind: 'reset' } });
    const rows = await fixture.connector.fetchCrmData('contacts', { properties: ['email'] });
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((row) => row.id)).size).toBe(300);
  });

  it('never retries a create: the failed batch is reported, nothing is duplicated', async () => {
    fixture = await startHubSpot();
    fixture.emulator.faults.inject({ route: 'objects.batchCreate', after: 1, times: 1, fault: { kind: 'status', status: 503 } });
    const result = await fixture.connector.writeCrmData(contacts(250), { destination: 'contacts', updateExisting: false });
    expect(result).toMatchObject({ received: 250, written: 150, created: 150 });
    expect(result.failed).toHaveLength(100);
    expect(result.failed[0]).toMatchObject({ index: 100, reason: expect.stringContaining('never retried') });
    expect(result.failed.at(-1)!.index).toBe(199);
    expect(fixture.emulator.requestsTo('objects.batchCreate')).toHaveLength(3);
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(150);
  });

  it('never exceeds the configured rate', async () => {
    // The portal allows 20 requests a second; the connector is configured for exactly that.
    fixture = await startHubSpot({ rateLimit: { limit: 20, windowMs: 1000 } }, { requestsPerMinute: 1200, rateLimitWindowSeconds: 1 });
    const result = await fixture.connector.writeCrmData(contacts(4500), { destination: 'contacts' });
    expect(result.written).toBe(4500);
    const stats = fixture.emulator.rateWindow!.stats();
    expect(stats.total).toBe(45);
    expect(stats.rejected).toBe(0);
    expect(stats.peakInWindow).toBeLessThanOrEqual(20);
  });

  it('adopts the quota the portal announces when configured above it: no 429 at all', async () => {
    fixture = await startHubSpot({ rateLimit: { limit: 8, windowMs: 500 } }, { requestsPerMinute: 60_000, rateLimitWindowSeconds: 1, maxRetries: 8 });
    const result = await fixture.connector.writeCrmData(contacts(2000), { destination: 'contacts' });
    expect(result).toMatchObject({ written: 2000, created: 2000, failed: [] });
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(2000);
    // Configured at 1,000 requests/s, the connector read X-HubSpot-RateLimit-Max/-Interval from the
    // first answer and kept to the portal's 8 per 500 ms from then on.
    expect(fixture.emulator.rateWindow!.stats()).toMatchObject({ rejected: 0 });
    expect(fixture.emulator.rateWindow!.stats().peakInWindow).toBeLessThanOrEqual(8);
    expect(fixture.emulator.requestsTo('objects.batchUpsert')).toHaveLength(20);
  });

  it("is not throttled by a limiter an application's own SDK client installs later in the process", async () => {
    // A short request timeout and no retry, so a request held by another limiter fails the read at once.
    fixture = await startHubSpot({}, { requestTimeoutSeconds: 1, maxRetries: 0 });
    fixture.emulator.portal.seedObjects('contacts', contacts(250));
    await fixture.connector.connect();
    // The SDK keeps the latest client's decorators process-wide: this one's limiter has no budget
    // (reservoir 0), so a request that went through it would never be sent.
    const application = new Client({ accessToken: fixture.emulator.token, basePath: fixture.url, limiterOptions: { reservoir: 0 } });
    expect(application.config.limiterOptions).toBeDefined();
    const rows = await fixture.connector.readAll({ table: 'contacts' });
    expect(rows).toHaveLength(250);
    expect(fixture.emulator.requestsTo('objects.list')).toHaveLength(3);
  });

  it('recovers from 429s answered by the portal, with no duplicate and no loss', async () => {
    fixture = await startHubSpot({}, { maxRetries: 5 });
    fixture.emulator.faults.inject({ route: 'objects.batchUpsert', after: 1, times: 3, fault: { kind: 'status', status: 429, retryAfterSeconds: 0.05 } });
    const result = await fixture.connector.writeCrmData(contacts(500), { destination: 'contacts' });
    expect(result).toMatchObject({ written: 500, created: 500, failed: [] });
    expect(fixture.emulator.requestsTo('objects.batchUpsert', 429)).toHaveLength(3);
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(500);
  });

  it('reads the wait from Retry-After or the X-HubSpot-RateLimit headers', () => {
    expect(retryDelayFromHeaders({ 'retry-after': '3' })).toBe(3000);
    expect(retryDelayFromHeaders({ 'X-HubSpot-RateLimit-Remaining': '0', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' })).toBe(10_000);
    expect(retryDelayFromHeaders({ 'x-hubspot-ratelimit-secondly-remaining': '0' })).toBe(1000);
    expect(retryDelayFromHeaders({ 'x-hubspot-ratelimit-remaining': '12', 'x-hubspot-ratelimit-interval-milliseconds': '10000' })).toBeUndefined();
  });
});
