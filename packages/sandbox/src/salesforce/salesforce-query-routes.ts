import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import { restError } from './salesforce-error-bodies.js';
import { opaqueToken } from './salesforce-ids.js';
import type { SalesforceRecord } from './salesforce-org.js';
import { restHandler, type RestContext, withAttributes } from './salesforce-rest-context.js';
import type { SalesforceField } from './salesforce-schema.js';
import { restValue, runSoql } from './soql-evaluate.js';

const base = '/services/data/:version';

interface Cursor {
  object: string;
  fields: SalesforceField[];
  allFields: SalesforceField[];
  records: SalesforceRecord[];
  batchSize: number;
}

export interface QueryRouteOptions {
  /** Records per batch when the client asks for none (Salesforce: 2,000). */
  defaultBatchSize: number;
}

/**
 * `query`, `queryAll` and query-more: the first batch of at most 2,000 records (or the
 * `Sforce-Query-Options: batchSize=` asked, 200 to 2,000), then `nextRecordsUrl`
 * (`/services/data/vXX.X/query/01g...-2000`) until `done`. The result set is fixed when the query
 * runs, as a server-side cursor is.
 */
export function salesforceQueryRoutes(context: RestContext, options: QueryRouteOptions): { routes: Route[]; clear(): void } {
  const cursors = new Map<string, Cursor>();

  const batchSizeOf = (request: EmulatorRequest): number => {
    const header = String(request.headers['sforce-query-options'] ?? '');
    const asked = Number(/batchSize=(\d+)/i.exec(header)?.[1]);
    if (!Number.isFinite(asked) || asked <= 0) return options.defaultBatchSize;
    return Math.min(2000, Math.max(200, asked));
  };

  const page = (version: string, cursorId: string, cursor: Cursor, offset: number): EmulatorResponse => {
    const slice = cursor.records.slice(offset, offset + cursor.batchSize);
    const end = offset + slice.length;
    const done = end >= cursor.records.length;
    if (done) cursors.delete(cursorId);
    return {
      status: 200,
      body: {
        totalSize: cursor.records.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${cursorId}-${end}` }),
        records: slice.map((record) =>
          withAttributes(
            version,
            cursor.object,
            record,
            Object.fromEntries(cursor.fields.map((field) => [field.name, restValue(record, field, cursor.allFields)])),
          ),
        ),
      },
    };
  };

  const run = (includeDeleted: boolean) =>
    restHandler(context, (request, version) => {
      const soql = request.url.searchParams.get('q');
      if (!soql) return restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      const plan = runSoql(context.org, soql, { includeDeleted });
      if (plan.query.count && plan.fields.length === 0) return { status: 200, body: { totalSize: plan.records.length, done: true, records: [] } };
      const cursorId = `01gWg${opaqueToken(13)}`;
      const cursor: Cursor = {
        object: plan.object,
        fields: plan.fields,
        allFields: context.org.object(plan.object)!.fields,
        records: plan.records,
        batchSize: batchSizeOf(request),
      };
      cursors.set(cursorId, cursor);
      return page(version, cursorId, cursor, 0);
    });

  const more = restHandler(context, (request, version) => {
    const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(request.params.locator ?? '');
    const cursor = match ? cursors.get(match[1]!) : undefined;
    if (!match || !cursor) return restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(version, match[1]!, cursor, Number(match[2]));
  });

  return {
    routes: [
      { method: 'GET', path: `${base}/query`, name: 'rest.query', handler: run(false) },
      { method: 'GET', path: `${base}/queryAll`, name: 'rest.queryAll', handler: run(true) },
      { method: 'GET', path: `${base}/query/:locator`, name: 'rest.queryMore', handler: more },
      { method: 'GET', path: `${base}/queryAll/:locator`, name: 'rest.queryMore', handler: more },
    ],
    clear: () => cursors.clear(),
  };
}
