import type { Row } from '@automl/connector-core';
import { restRowReader } from './convert-salesforce-record.js';
import type { SalesforceObjectInfo } from './salesforce-describe.js';
import type { SalesforceRemote } from './salesforce-remote.js';
import { type SelectParts, selectSoql, splitSelects } from './salesforce-soql.js';

interface QueryResult {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
}

/**
 * The record batches of one SOQL query, following `nextRecordsUrl` to the end. jsforce's
 * autoFetch would stop silently at 10,000 records (its maxFetch); this pages until `done`.
 */
export async function* queryBatches(remote: SalesforceRemote, soql: string, batchSize?: number): AsyncGenerator<QueryResult> {
  // Sforce-Query-Options asks for a batch size (200 to 2,000; Salesforce may return fewer).
  const headers = batchSize ? { 'Sforce-Query-Options': `batchSize=${Math.min(2000, Math.max(200, Math.round(batchSize)))}` } : undefined;
  let result = (await remote.send<QueryResult>('read', { method: 'GET', path: `/query?q=${encodeURIComponent(soql)}`, ...(headers ? { headers } : {}) })).body;
  yield result;
  while (!result.done && result.nextRecordsUrl) {
    // nextRecordsUrl is /services/data/vXX.X/query/01g...-2000, possibly absolute: keep its path.
    const path = result.nextRecordsUrl.replace(/^https?:\/\/[^/]+/, '');
    result = (await remote.send<QueryResult>('read', { method: 'GET', path, ...(headers ? { headers } : {}) })).body;
    yield result;
  }
}

/** The number of records a query would return (`SELECT COUNT()`), for choosing REST or Bulk. */
export async function countRecords(remote: SalesforceRemote, parts: SelectParts): Promise<number> {
  const soql = selectSoql(['COUNT()'], { ...parts, orderBy: undefined, limit: undefined });
  return (await remote.send<QueryResult>('read', { method: 'GET', path: `/query?q=${encodeURIComponent(soql)}` })).body.totalSize;
}

/**
 * Pages of typed rows for `fields` of an object. A field list too long for one URL is read as
 * several queries ordered by Id, merged by Id page by page: the first query leads, the others are
 * read just far enough to cover its page. A record the lead has and a later part lacks (deleted
 * between the queries) is skipped with a warning.
 */
export async function* readRestPages(
  remote: SalesforceRemote,
  object: SalesforceObjectInfo,
  fields: string[],
  parts: SelectParts,
  batchSize?: number,
): AsyncGenerator<Row[]> {
  const groups = splitSelects(fields, parts, remote.apiVersion, remote.maxUrlLength);
  const toRow = restRowReader(fields, object);
  if (groups.length === 1) {
    for await (const batch of queryBatches(remote, selectSoql(fields, parts), batchSize)) {
      if (batch.records.length > 0) yield batch.records.map(toRow);
    }
    return;
  }
  const ordered = { ...parts, orderBy: 'Id' };
  const [lead, ...others] = groups.map((group) => queryBatches(remote, selectSoql(group, ordered), batchSize));
  const buffers = others.map(() => new Map<string, Record<string, unknown>>());
  const finished = others.map(() => false);
  for await (const batch of lead!) {
    const ids = batch.records.map((record) => String(record.Id));
    for (const [position, cursor] of others.entries()) {
      const buffer = buffers[position]!;
      while (!finished[position] && !ids.every((id) => buffer.has(id))) {
        const next = await cursor.next();
        if (next.done) finished[position] = true;
        else for (const record of next.value.records) buffer.set(String(record.Id), record);
      }
    }
    const rows: Row[] = [];
    let skipped = 0;
    for (const record of batch.records) {
      const id = String(record.Id);
      const pieces = buffers.map((buffer) => buffer.get(id));
      buffers.forEach((buffer) => buffer.delete(id));
      if (pieces.some((piece) => piece === undefined)) {
        skipped += 1;
        continue;
      }
      rows.push(toRow(Object.assign({}, record, ...pieces)));
    }
    if (skipped > 0)
      remote.warn(
        'RECORD_CHANGED_DURING_READ',
        `${skipped} ${object.name} record(s) missing from a later part of a split query (deleted while reading) were skipped`,
      );
    if (rows.length > 0) yield rows;
  }
}
