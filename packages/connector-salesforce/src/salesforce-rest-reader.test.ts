import { describe, expect, it } from 'vitest';
import type { SalesforceObjectInfo } from './salesforce-describe.js';
import type { SalesforceRequest } from './salesforce-http.js';
import type { SalesforceRemote } from './salesforce-remote.js';
import { readRestPages } from './salesforce-rest-reader.js';

// The merge of a split query, on the connector's own request seam: the first part leads, a record a
// later part lacks (deleted between the queries) is skipped with a warning, never half-filled.
describe('readRestPages with a field list split across queries', () => {
  const names = Array.from({ length: 8 }, (_, index) => `Field_${index}_${'x'.repeat(20)}__c`);
  const object: SalesforceObjectInfo = {
    name: 'Contact',
    fields: [],
    byName: new Map(
      ['Id', ...names].map((name) => [
        name.toLowerCase(),
        { name, type: 'string', nillable: true, createable: true, updateable: true, externalId: false, unique: false, idLookup: false },
      ]),
    ),
  };
  const record = (id: string, fields: string[]) => ({
    attributes: { type: 'Contact' },
    Id: id,
    ...Object.fromEntries(fields.map((name) => [name, `${id}:${name}`])),
  });

  it('merges the parts by Id across pages and skips a record a later part lacks', async () => {
    const warnings: string[] = [];
    const requests: string[] = [];
    const remote: SalesforceRemote = {
      apiVersion: '62.0',
      maxUrlLength: 260,
      warn: (code, message) => warnings.push(`${code}: ${message}`),
      send: async <T>(_operation: string, request: SalesforceRequest) => {
        requests.push(request.path);
        const soql = decodeURIComponent(request.path.replace(/^\/query\?q=/, ''));
        const selected = /^SELECT (.*) FROM/.exec(soql)?.[1]?.split(', ') ?? [];
        const fields = selected.filter((name) => name !== 'Id');
        const lead = selected.includes(names[0]!);
        // The lead sees a, b, c then d; a later part was read after b was deleted and pages differently.
        if (request.path.includes('/more-lead')) return { status: 200, headers: {}, body: { totalSize: 4, done: true, records: [record('d', fields)] } as T };
        if (request.path.includes('/more-other'))
          return { status: 200, headers: {}, body: { totalSize: 3, done: true, records: [record('d', ['rest'])] } as T };
        const body = lead
          ? { totalSize: 4, done: false, nextRecordsUrl: '/services/data/v62.0/query/more-lead', records: ['a', 'b', 'c'].map((id) => record(id, fields)) }
          : { totalSize: 3, done: false, nextRecordsUrl: '/services/data/v62.0/query/more-other', records: ['a', 'c'].map((id) => record(id, fields)) };
        return { status: 200, headers: {}, body: body as T };
      },
    };
    const pages = [];
    for await (const page of readRestPages(remote, object, ['Id', ...names], { object: 'Contact' })) pages.push(page);
    const rows = pages.flat();
    expect(rows.map((row) => row.Id)).toEqual(['a', 'c', 'd']);
    expect(rows[0]![names[0]!]).toBe(`a:${names[0]}`);
    expect(rows[0]![names[7]!]).toBe(`a:${names[7]}`);
    expect(warnings).toEqual([
      'RECORD_CHANGED_DURING_READ: 1 Contact record(s) missing from a later part of a split query (deleted while reading) were skipped',
    ]);
    expect(requests.filter((path) => path.startsWith('/query?q=')).every((path) => decodeURIComponent(path).includes('ORDER BY Id'))).toBe(true);
  });
});
