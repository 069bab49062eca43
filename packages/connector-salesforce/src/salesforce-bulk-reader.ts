import { ConnectorError, type Row, TransientError } from '@automl/connector-core';
import { parse } from 'csv-parse/sync';
import { fromCsvValue } from './convert-salesforce-record.js';
import type { SalesforceObjectInfo } from './salesforce-describe.js';
import type { SalesforceRemote } from './salesforce-remote.js';
import { type SelectParts, selectSoql } from './salesforce-soql.js';
import { waitForJob } from './salesforce-bulk-job.js';

export interface BulkReadOptions {
  /** The longest the job is awaited, in ms. */
  pollTimeoutMs: number;
  /** Records per results page asked for. */
  pageSize?: number;
}

/**
 * A Bulk API 2.0 query job, its result pages read one by one with the `Sforce-Locator` of each:
 * jsforce's bulk2.query pipes every page into one CSV stream and returns the repeated header rows
 * as records, or crashes writing after the end (jsforce issue #1546). Each page's CSV is parsed on
 * its own, header included, and typed by describe (Bulk returns text).
 */
export async function* readBulkPages(
  remote: SalesforceRemote,
  object: SalesforceObjectInfo,
  fields: string[],
  parts: SelectParts,
  options: BulkReadOptions,
): AsyncGenerator<Row[]> {
  const soql = selectSoql(fields, parts);
  const created = await remote.send<{ id: string }>(
    'read.bulk',
    { method: 'POST', path: '/jobs/query', body: { operation: 'query', query: soql } },
    { idempotent: false },
  );
  const jobId = created.body.id;
  await waitForJob(remote, `/jobs/query/${jobId}`, options.pollTimeoutMs, 'read.bulk');
  let locator: string | undefined;
  do {
    const query = new URLSearchParams();
    if (locator) query.set('locator', locator);
    if (options.pageSize) query.set('maxRecords', String(options.pageSize));
    const suffix = query.size > 0 ? `?${query}` : '';
    const response = await remote.send<string>('read', { method: 'GET', path: `/jobs/query/${jobId}/results${suffix}`, responseType: 'text/plain' });
    const next = response.headers['sforce-locator'];
    if (next === undefined) {
      throw new ConnectorError({ message: 'The Bulk query results carried no Sforce-Locator header', connector: 'salesforce', operation: 'read' });
    }
    const table = parse(response.body, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    if (table.length > 0) {
      yield table.map((record) => {
        const row: Row = {};
        for (const name of fields) row[name] = fromCsvValue(object.byName.get(name.toLowerCase()), record[name] ?? '');
        return row;
      });
    }
    if (next !== 'null' && next === locator)
      throw new TransientError({ message: 'The Bulk query results repeated a locator', connector: 'salesforce', operation: 'read' });
    locator = next === 'null' ? undefined : next;
  } while (locator);
}
