import { DataError, estimateBytes, type ConnectorContext, type Row } from '@automl/connector-core';
import { parseHubSpotTime, toRow } from './convert-hubspot-record.js';
import { hubSpotPageLimit } from './hubspot-limits.js';
import { chunkProperties, mergePropertyChunks } from './hubspot-property-chunks.js';
import type { HubSpotApis, HubSpotListPage } from './hubspot-client.js';
import type { PropertyInfo } from './hubspot-properties.js';
import { quotaFromHeaders } from './hubspot-rate-limit-headers.js';

/** One read of an object's list endpoint, resolved by the connector. */
export interface HubSpotListRead {
  /** The connected SDK slices, used only inside `remote.call`. */
  apis: HubSpotApis;
  /** The table name the caller used, for error messages. */
  table: string;
  objectType: string;
  /** The object's properties, as HubSpotProperties.load gives them. */
  known: Map<string, PropertyInfo>;
  /** The properties to read; all of `known` when absent. `id` is always returned, never requested. */
  columns?: readonly string[] | undefined;
  /** A hint from core (which cuts the stream anyway): no page is asked for past it. */
  maxRows: number;
  pageSize?: number | undefined;
  since?: Date | undefined;
}

/**
 * Pages through GET /crm/v3/objects/{type} (not search, which stops at 10,000 results), 100
 * records a page. All properties of the object by default. `since` keeps records whose `updatedAt`
 * (HubSpot's last-modified instant) is at or after it: the list endpoint has no modified-since
 * filter, so this is a full scan filtered here, in bounded memory. When the properties asked for
 * do not fit in one URL (hubspot-limits.ts), each page takes one request per group of properties.
 * Core reads one page ahead of the consumer, cuts at maxRows and cancels: every request carries the
 * attempt's signal, so a cancelled read stops its HTTP request.
 */
export async function* readHubSpotList(context: ConnectorContext, request: HubSpotListRead): AsyncGenerator<Row[]> {
  const { apis, table, objectType, known } = request;
  const columns = (request.columns ?? [...known.keys()]).filter((column) => column !== 'id');
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length > 0) {
    throw new DataError({
      message: `${table} has no properties named ${unknown.join(', ')}`,
      connector: 'hubspot',
      operation: 'read',
      code: 'PROPERTY_DOESNT_EXIST',
      hint: 'describe() lists the properties of the object.',
    });
  }
  const types = new Map([...known].map(([name, info]) => [name, info.type]));
  const pageSize = Math.max(1, Math.min(hubSpotPageLimit, request.pageSize ?? hubSpotPageLimit));
  const since = request.since?.getTime();
  // Every property of a busy portal does not fit in one URL: each page is then read as one request
  // per group of properties, sent together, and merged on record id.
  const chunks = chunkProperties(columns);
  const fetchPage = async (cursor: string | undefined, wanted: number): Promise<HubSpotListPage['data']> => {
    // Without `since` every record listed is delivered, so the rows still wanted bound the page size.
    const limit = Math.min(pageSize, since === undefined ? wanted : pageSize);
    const data = await Promise.all(
      chunks.map(async (chunk) => {
        const answer = await context.call('read', ({ signal }) => apis.listPage(objectType, limit, cursor, chunk, signal));
        const quota = quotaFromHeaders(answer.headers);
        if (quota) context.observeServerQuota(quota);
        return answer.data;
      }),
    );
    const merged = mergePropertyChunks(data);
    if (merged.dropped > 0) {
      context.logger.info({ connector: 'hubspot', objectType, dropped: merged.dropped }, 'records deleted while their page was being read were left out');
    }
    return merged.data;
  };

  let delivered = 0;
  let cursor: string | undefined;
  while (delivered < request.maxRows) {
    const page = await fetchPage(cursor, request.maxRows - delivered);
    const kept = since === undefined ? page.results : page.results.filter((record) => parseHubSpotTime(record.updatedAt) >= since);
    const rows: Row[] = new Array(kept.length);
    for (let index = 0; index < kept.length; index += 1) rows[index] = toRow(kept[index]!, types);
    delivered += rows.length;
    context.recordBytes('read', estimateBytes(rows));
    if (rows.length > 0) yield rows;
    cursor = page.paging?.next?.after;
    if (!cursor) return;
  }
}
