import { writeResultOf } from '@automl/connector-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startPipedrive, scoredRows, type PipedriveFixture } from './test-support/pipedrive-test-setup.js';

const customOf = (fixture: PipedriveFixture, id: number, name: string) => {
  const field = fixture.emulator.company.field('persons', name)!;
  return fixture.emulator.company.get('persons', id)?.custom[field.key];
};

describe('Pipedrive person upserts by email', () => {
  let fixture: PipedriveFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('matches secondary and differently cased emails, updates only the fields given and creates the rest', async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    emulator.company.addField('persons', 'churn_risk', 'double');
    emulator.company.addField('persons', 'segment', 'enum', ['high', 'low']);
    emulator.seed('persons', [{ name: 'Ann', email: ['ann@work.example', 'Ann.Lee@Home.Example'], job_title: 'CTO', notes_score: 3 }]);
    const result = await connector.writeCrmData(
      [
        { email: 'ann.lee@home.example', churn_risk: 0.8, segment: 'High' },
        { email: 'new@example.com', churn_risk: 0.1, segment: 'low', name: 'New Person' },
      ],
      { destination: 'persons', updateExisting: true, idProperty: 'email' },
    );
    expect(result).toMatchObject({ received: 2, written: 2, created: 1, updated: 1, failed: [] });
    expect(emulator.count('persons')).toBe(2);
    const ann = emulator.company.get('persons', 1)!;
    expect(ann.values.emails).toEqual([expect.objectContaining({ value: 'ann@work.example' }), expect.objectContaining({ value: 'Ann.Lee@Home.Example' })]);
    expect(ann.values.job_title).toBe('CTO');
    expect(customOf(fixture, 1, 'churn_risk')).toBe(0.8);
    expect(customOf(fixture, 1, 'notes_score')).toBe(3);
    const segment = emulator.company.field('persons', 'segment')!;
    expect(ann.custom[segment.key]).toBe(segment.options!.find((option) => option.label === 'high')!.id);
    expect(emulator.company.get('persons', 2)!.values).toMatchObject({ name: 'New Person', emails: [{ value: 'new@example.com', primary: true }] });
  });

  it('a second identical run creates nothing and sends no update (index lookup)', async () => {
    fixture = await startPipedrive();
    const { emulator } = fixture;
    emulator.company.addField('persons', 'churn_risk', 'double');
    emulator.company.addField('persons', 'segment', 'varchar');
    emulator.seed('persons', scoredRows(20, 0, 0));
    const rows = scoredRows(40);
    const first = await fixture.connector.writeCrmData(rows, { destination: 'persons' });
    expect(first).toMatchObject({ received: 40, written: 40, created: 20, updated: 20, failed: [] });
    emulator.clearLog();
    const second = await fixture.another().writeCrmData(rows, { destination: 'persons' });
    expect(second).toMatchObject({ received: 40, written: 40, created: 0, updated: 0, failed: [] });
    expect(emulator.count('persons')).toBe(40);
    expect(emulator.requestsTo('persons.create')).toHaveLength(0);
    expect(emulator.requestsTo('persons.update')).toHaveLength(0);
    expect(emulator.requestsTo('persons.search')).toHaveLength(0);
  });

  it('keeps the last value per key when an email repeats, and counts every row', async () => {
    fixture = await startPipedrive();
    fixture.emulator.company.addField('persons', 'churn_risk', 'double');
    const rows = [
      { email: 'same@example.com', churn_risk: 0.1 },
      { email: 'other@example.com', churn_risk: 0.5 },
      { email: 'SAME@example.com', churn_risk: 0.2 },
      { email: 'same@example.com', churn_risk: 0.3 },
      { email: 'not-an-email', churn_risk: 0.4 },
    ];
    const result = await fixture.connector.write(rows, { table: 'persons', mode: 'upsert', keyColumn: 'email' });
    expect(result.written + result.failed.length).toBe(5);
    expect(result.failed).toEqual([expect.objectContaining({ index: 4, code: 'MISSING_KEY' })]);
    expect(fixture.emulator.count('persons')).toBe(2);
    const same = fixture.emulator.company
      .list('persons')
      .find((person) => (person.values.emails as Array<{ value: string }>)[0]!.value === 'same@example.com')!;
    expect(customOf(fixture, same.id, 'churn_risk')).toBe(0.3);
  });

  it('names missing fields instead of writing, and creates them (number, enum) when asked', async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    const refused = await connector.writeCrmData([{ email: 'a@example.com', churn_risk: 0.7, segment: 'vip' }], { destination: 'persons' });
    expect(refused.failed).toEqual([
      expect.objectContaining({ index: 0, code: 'UNKNOWN_FIELD', reason: 'Pipedrive has no person field named "churn_risk", "segment"' }),
    ]);
    expect(emulator.requests.filter((request) => request.method !== 'GET')).toHaveLength(0);

    const rows = Array.from({ length: 30 }, (_, index) => ({ email: `p${index}@example.com`, churn_risk: index / 100, segment: index % 2 ? 'vip' : 'std' }));
    const created = await fixture.another().writeCrmData(rows, { destination: 'persons', createMissingProperties: true });
    expect(created).toMatchObject({ written: 30, created: 30, failed: [] });
    expect(emulator.requestsTo('personFields.add')).toHaveLength(2);
    expect(emulator.company.field('persons', 'churn_risk')).toMatchObject({ field_type: 'double' });
    // segment: an enum whose options are the values written, the second one added once though rows run 4 at a time.
    const segment = emulator.company.field('persons', 'segment')!;
    expect(segment.field_type).toBe('enum');
    expect(segment.options!.map((option) => option.label)).toEqual(['std', 'vip']);
    expect(emulator.requestsTo('personFields.addOptions')).toHaveLength(1);
    expect(customOf(fixture, 30, 'segment')).toBe(segment.options![1]!.id);
    expect(customOf(fixture, 29, 'segment')).toBe(segment.options![0]!.id);

    // A later write meets a new value (and one differing only by case from an option): one option more, read back as labels.
    const later = await fixture.another().writeCrmData(
      [
        { email: 'p0@example.com', segment: 'gold' },
        { email: 'p1@example.com', segment: 'VIP' },
        { email: 'new@example.com', segment: 'gold', churn_risk: null },
      ],
      { destination: 'persons', createMissingProperties: true },
    );
    expect(later).toMatchObject({ written: 3, created: 1, failed: [] });
    expect(emulator.requestsTo('personFields.addOptions')).toHaveLength(2);
    expect(emulator.company.field('persons', 'segment')!.options!.map((option) => option.label)).toEqual(['std', 'vip', 'gold']);
    const rows2 = await fixture.another().readAll({ table: 'persons', columns: ['email', 'segment'] });
    expect(rows2.filter((row) => ['p0@example.com', 'p1@example.com', 'new@example.com'].includes(String(row.email)))).toEqual([
      { email: 'p0@example.com', segment: 'gold' },
      { email: 'p1@example.com', segment: 'vip' },
      { email: 'new@example.com', segment: 'gold' },
    ]);
  });

  it('creates a missing field from its first value, not from a null one, and adds no option unless asked', async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    const result = await connector.writeCrmData(
      [
        { email: 'a@example.com', segment: null },
        { email: 'b@example.com', segment: 'high' },
      ],
      { destination: 'persons', createMissingProperties: true },
    );
    expect(result).toMatchObject({ written: 2, failed: [] });
    expect(emulator.company.field('persons', 'segment')).toMatchObject({ field_type: 'enum', options: [expect.objectContaining({ label: 'high' })] });
    const refused = await fixture.another().writeCrmData([{ email: 'c@example.com', segment: 'low' }], { destination: 'persons' });
    expect(refused.failed).toEqual([expect.objectContaining({ index: 0, code: 'INVALID_VALUE' })]);
    expect(emulator.requestsTo('personFields.addOptions')).toHaveLength(0);
  });

  it('fails a row whose value does not fit its field, without sending it', async () => {
    fixture = await startPipedrive();
    fixture.emulator.company.addField('persons', 'churn_risk', 'double');
    fixture.emulator.company.addField('persons', 'segment', 'enum', ['high', 'low']);
    const result = await fixture.connector.writeCrmData(
      [
        { email: 'a@example.com', churn_risk: 'very', segment: 'high' },
        { email: 'b@example.com', churn_risk: '0.5', segment: 'medium' },
        { email: 'c@example.com', churn_risk: '0.25', segment: 'low' },
      ],
      { destination: 'persons' },
    );
    expect(result.failed.map((failure) => [failure.index, failure.code])).toEqual([
      [0, 'INVALID_VALUE'],
      [1, 'INVALID_VALUE'],
    ]);
    expect(result.failed[1]!.reason).toMatch(/one of high, low/);
    expect(fixture.emulator.count('persons')).toBe(1);
    expect(customOf(fixture, 1, 'churn_risk')).toBe(0.25);
  });

  it('updates by Pipedrive id, and creates without matching when updateExisting is false', async () => {
    fixture = await startPipedrive();
    fixture.emulator.company.addField('persons', 'churn_risk', 'double');
    fixture.emulator.seed('persons', [{ name: 'A', email: 'a@example.com' }]);
    const byId = await fixture.connector.writeCrmData(
      [
        { id: 1, churn_risk: 0.9 },
        { id: 99, churn_risk: 0.1 },
      ],
      { destination: 'persons', idProperty: 'id' },
    );
    expect(byId.failed).toEqual([expect.objectContaining({ index: 1, code: 'not-found' })]);
    expect(customOf(fixture, 1, 'churn_risk')).toBe(0.9);
    const appended = await fixture.connector.writeCrmData([{ email: 'a@example.com', churn_risk: 0.2 }], { destination: 'persons', updateExisting: false });
    expect(appended).toMatchObject({ created: 1 });
    expect(fixture.emulator.count('persons')).toBe(2);
    await expect(fixture.connector.writeCrmData([{ email: 'x@example.com' }], { destination: 'deals' })).rejects.toThrow(/writes persons/);
  });

  it('writeCrmData honours its signal: a cancel stops pulling rows, lets the persons in flight land, and reports exactly what the company holds', async () => {
    fixture = await startPipedrive();
    const { emulator } = fixture;
    emulator.company.addField('persons', 'churn_risk', 'double');
    emulator.company.addField('persons', 'segment', 'varchar');
    const controller = new AbortController();
    let pulled = 0;
    async function* rows() {
      for (const row of scoredRows(400)) {
        pulled += 1;
        if (pulled === 120) controller.abort();
        yield row;
      }
    }
    const error = await fixture.connector.writeCrmData(rows(), { destination: 'persons', signal: controller.signal }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    const partial = writeResultOf(error);
    expect(pulled).toBeLessThan(400);
    expect((partial?.written ?? 0) + (partial?.failed.length ?? 0)).toBe(partial?.received);
    expect(partial?.failed.every((failure) => failure.code === 'SKIPPED')).toBe(true);
    expect(partial?.written).toBeGreaterThan(0);
    expect(emulator.count('persons')).toBe(partial?.written);
  });
});
