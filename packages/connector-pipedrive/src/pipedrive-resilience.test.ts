import { AuthenticationError, QuotaError, writeResultOf } from '@automl/connector-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutcomeUnknown } from './pipedrive-person-create.js';
import { type PipedriveFixture, scoredRows, startPipedrive } from './test-support/pipedrive-test-setup.js';

// Every case counts what Pipedrive holds afterwards: no duplicate, every row written or failed.
describe('Pipedrive writes under faults', () => {
  let fixture: PipedriveFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  const start = async (emulatorOptions = {}, config = {}) => {
    fixture = await startPipedrive(emulatorOptions, config);
    fixture.emulator.company.addField('persons', 'churn_risk', 'double');
    fixture.emulator.company.addField('persons', 'segment', 'varchar');
    return fixture;
  };

  it('a create whose reply is lost (client timeout, lands late) is never sent twice; the row says so', async () => {
    const { emulator, connector, another } = await start({}, { requestTimeoutSeconds: 1 });
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'latency', ms: 1300 } });
    const rows = scoredRows(3);
    const result = await connector.writeCrmData(rows, { destination: 'persons' });
    expect(result.failed).toEqual([expect.objectContaining({ index: 0, code: createOutcomeUnknown })]);
    expect(result.written).toBe(2);
    await vi.waitFor(() => expect(emulator.count('persons')).toBe(3), { timeout: 5000 });
    expect(emulator.requestsTo('persons.create')).toHaveLength(3);
    const again = await another().writeCrmData(rows, { destination: 'persons' });
    expect(again).toMatchObject({ written: 3, created: 0, failed: [] });
    expect(emulator.count('persons')).toBe(3);
  });

  it('an enum option whose add times out and lands late is added once and used', async () => {
    const { emulator, connector } = await start({}, { requestTimeoutSeconds: 1 });
    const tier = emulator.company.addField('persons', 'tier', 'enum', ['std']);
    emulator.faults.inject({ route: 'personFields.addOptions', times: 1, fault: { kind: 'latency', ms: 1300 } });
    const rows = [
      { email: 'a@example.com', tier: 'gold' },
      { email: 'b@example.com', tier: 'std' },
      { email: 'c@example.com', tier: 'gold' },
    ];
    const result = await connector.writeCrmData(rows, { destination: 'persons', createMissingProperties: true });
    expect(result).toMatchObject({ written: 3, failed: [] });
    expect(emulator.requestsTo('personFields.addOptions')).toHaveLength(1);
    const options = emulator.company.field('persons', 'tier')!.options!;
    expect(options.map((option) => option.label)).toEqual(['std', 'gold']);
    const tierOf = (email: string) =>
      emulator.company.list('persons').find((person) => (person.values.emails as Array<{ value: string }>)[0]!.value === email)?.custom[tier.key];
    expect(['a@example.com', 'b@example.com', 'c@example.com'].map(tierOf)).toEqual([options[1]!.id, options[0]!.id, options[1]!.id]);
  });

  it('an enum option add a gateway answered 502 is not sent again by the write: its rows say so, a later run adds it once', async () => {
    const { emulator, connector, another } = await start();
    const tier = emulator.company.addField('persons', 'tier', 'enum', ['std']);
    emulator.faults.inject({ route: 'personFields.addOptions', times: 1, fault: { kind: 'status', status: 502 } });
    const rows = [
      { email: 'a@example.com', tier: 'gold' },
      { email: 'b@example.com', tier: 'std' },
      { email: 'c@example.com', tier: 'gold' },
    ];
    const result = await connector.writeCrmData(rows, { destination: 'persons', createMissingProperties: true });
    expect(result.failed.map((failure) => [failure.index, failure.code])).toEqual([
      [0, createOutcomeUnknown],
      [2, createOutcomeUnknown],
    ]);
    expect(result.written).toBe(1);
    expect(emulator.requestsTo('personFields.addOptions')).toHaveLength(1);
    const again = await another().writeCrmData(rows, { destination: 'persons', createMissingProperties: true });
    expect(again).toMatchObject({ written: 3, failed: [] });
    expect(emulator.requestsTo('personFields.addOptions')).toHaveLength(2);
    const options = emulator.company.field('persons', 'tier')!.options!;
    expect(options.map((option) => option.label)).toEqual(['std', 'gold']);
    expect(emulator.count('persons')).toBe(3);
    expect(emulator.company.list('persons').every((person) => person.custom[tier.key] !== undefined)).toBe(true);
  });

  it('a lost create that has landed by the time of the check is adopted, not repeated', async () => {
    const { emulator, connector } = await start({}, { requestTimeoutSeconds: 1 });
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'latency', ms: 1200 } });
    // The check (the list read after the create) is slow enough to run after the create landed.
    emulator.faults.inject({ route: 'persons.list', after: 1, times: 1, fault: { kind: 'latency', ms: 600 } });
    const result = await connector.writeCrmData(scoredRows(1), { destination: 'persons' });
    expect(result).toMatchObject({ written: 1, failed: [] });
    expect(emulator.count('persons')).toBe(1);
    expect(emulator.requestsTo('persons.create')).toHaveLength(1);
  });

  it('after a 500 the person is looked for, and created once when absent', async () => {
    const { emulator, connector } = await start();
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'status', status: 500 } });
    const result = await connector.writeCrmData(scoredRows(2), { destination: 'persons' });
    expect(result).toMatchObject({ written: 2, created: 2, failed: [] });
    expect(emulator.count('persons')).toBe(2);
  });

  it('after a reset the person is looked for and created once; after a 502 (a gateway) the row fails as unknown', async () => {
    const { emulator, connector, another } = await start();
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'reset' } });
    emulator.faults.inject({ route: 'persons.create', after: 2, times: 1, fault: { kind: 'status', status: 502 } });
    const rows = scoredRows(4);
    const result = await connector.writeCrmData(rows, { destination: 'persons' });
    expect(result.failed.map((failure) => failure.code)).toEqual([createOutcomeUnknown]);
    expect(result.written).toBe(3);
    expect(emulator.count('persons')).toBe(3);
    const again = await another().writeCrmData(rows, { destination: 'persons' });
    expect(again).toMatchObject({ written: 4, created: 1, failed: [] });
    expect(emulator.count('persons')).toBe(4);
  });

  it('a later row with the email of a create that timed out waits for its answer, then updates that person (never a second one)', async () => {
    const { emulator, connector } = await start({}, { requestTimeoutSeconds: 1 });
    emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'latency', ms: 1500 } });
    const rows = [...scoredRows(1, 0, 1), ...scoredRows(1, 0, 2)];
    const result = await connector.writeCrmData(rows, { destination: 'persons' });
    // The timed-out create is reported in doubt; core waits for its late answer before the batch
    // naming the same email is sent, which then finds the person and updates it.
    expect(result.failed.map((failure) => [failure.index, failure.code])).toEqual([[0, createOutcomeUnknown]]);
    expect(result.written).toBe(1);
    expect(emulator.count('persons')).toBe(1);
    expect(emulator.requestsTo('persons.create')).toHaveLength(1);
  });

  it('a 429 on a create is retried (nothing was created) and on updates too', async () => {
    const { emulator, connector } = await start();
    emulator.seed('persons', scoredRows(2, 0, 0));
    emulator.faults.inject({ route: ['persons.create', 'persons.update'], times: 3, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    const result = await connector.writeCrmData(scoredRows(4), { destination: 'persons' });
    expect(result).toMatchObject({ written: 4, created: 2, updated: 2, failed: [] });
    expect(emulator.count('persons')).toBe(4);
  });

  it('a small write searches each email, and still finds persons the search index does not show yet', async () => {
    const { emulator, connector, another } = await start({ searchLagMs: 60_000 });
    emulator.seed('persons', [{ name: 'Old', email: 'OLD@example.com' }]);
    const rows = [...scoredRows(3), { email: 'old@example.com', churn_risk: 0.5, segment: 'x' }];
    const first = await connector.writeCrmData(rows, { destination: 'persons' });
    expect(first).toMatchObject({ written: 4, created: 3, updated: 1 });
    expect(emulator.requestsTo('persons.search').length).toBeGreaterThan(0);
    // Right after: search does not show the three new persons yet; the read of recent changes does.
    const second = await another().writeCrmData(rows, { destination: 'persons' });
    expect(second).toMatchObject({ written: 4, created: 0 });
    expect(emulator.count('persons')).toBe(4);
  });

  it('expired credentials mid-write stop it: the rest is SKIPPED, nothing is lost or doubled', async () => {
    const { emulator, connector } = await start({}, {});
    emulator.faults.inject({ route: 'persons.create', after: 3, fault: { kind: 'auth' } });
    const error = await connector.writeCrmData(scoredRows(12), { destination: 'persons' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AuthenticationError);
    const result = writeResultOf(error)!;
    expect(result.written + result.failed.length).toBe(result.received);
    expect(result.written).toBe(emulator.count('persons'));
    expect(result.failed.some((failure) => failure.code === 'SKIPPED')).toBe(true);
    expect(result.stoppedBy).toMatchObject({ kind: 'authentication' });
  });

  it('an exhausted daily token budget is a QuotaError that stops the write without retrying', async () => {
    const { emulator, connector } = await start({ dailyBudget: 100, tokenCosts: { fieldsV1: 20, list: 10, create: 5 } });
    const error = await connector.writeCrmData(scoredRows(30), { destination: 'persons' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(QuotaError);
    expect(error).toMatchObject({ retryable: false });
    const result = writeResultOf(error)!;
    expect(result.written).toBe(14);
    expect(emulator.count('persons')).toBe(14);
    // Each create in flight meets the exhausted budget once; none is retried.
    expect(emulator.requestsTo('persons.create', 429).length).toBeLessThanOrEqual(4);
    expect(result.written + result.failed.length).toBe(result.received);
    // Until the budget resets (the emulator's Retry-After), calls on this token are refused without being sent.
    emulator.clearLog();
    const again = await connector.readAll({ table: 'persons' }).catch((failure: unknown) => failure);
    expect(again).toBeInstanceOf(QuotaError);
    expect((again as Error).message).toMatch(/not sent: the quota is exhausted until /);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('Pipedrive burst limit', () => {
  let fixture: PipedriveFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('adopts a stricter x-ratelimit-limit than configured: zero requests over the burst limit', async () => {
    // Configured at the default 20 per 2 s; the company announces 3 per 2 s.
    fixture = await startPipedrive({ rateLimit: { limit: 3, windowMs: 2000 } }, { requestsPerMinute: 600, rateLimitWindowSeconds: 2 });
    fixture.emulator.company.addField('persons', 'churn_risk', 'double');
    fixture.emulator.company.addField('persons', 'segment', 'varchar');
    const result = await fixture.connector.writeCrmData(scoredRows(2), { destination: 'persons' });
    expect(result).toMatchObject({ written: 2, failed: [] });
    expect(fixture.emulator.rateWindow!.stats()).toMatchObject({ rejected: 0 });
    expect(fixture.emulator.rateWindow!.stats().total).toBeGreaterThan(3);
    expect(fixture.emulator.rateWindow!.stats().peakInWindow).toBeLessThanOrEqual(3);
    expect(fixture.emulator.count('persons')).toBe(2);
  });
});
