import { DataError, estimateBytes, type Row } from '@automl/connector-core';
import { parseHubSpotTime, toRow } from './convert-hubspot-record.js';
import { hubSpotPageLimit } from './hubspot-limits.js';
import { chunkProperties, mergePropertyChunks } from './hubspot-property-chunks.js';
import type { HubSpotApis, HubSpotListPage } from './hubspot-client.js';
import type { PropertyInfo } from './hubspot-properties.js';
import type { HubSpotRemoteContext } from './hubspot-remote-context.js';

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
  maxRows: number;
  pageSize?: number | undefined;
  since?: Date | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Pages through GET /crm/v3/objects/{type} (not search, which stops at 10,000 results), 100
 * records a page. All properties of the object by default. `since` keeps records whose `updatedAt`
 * (HubSpot's last-modified instant) is at or after it: the list endpoint has no modified-since
 * filter, so this is a full scan filtered here, in bounded memory. When the properties asked for
 * do not fit in one URL (hubspot-limits.ts), each page takes one request per group of properties.
 *
 * One page is read ahead: as soon as a page's cursor is known, the request for the next one
 * leaves, and the current page is typed and handed to the consumer while HubSpot prepares the
 * next. Paging is sequential by nature (each cursor comes from the previous answer), so this
 * overlap is the only parallelism a list read has; it hides the typing and the consumer's own work
 * behind the network. Memory holds at most two pages. A page is requested ahead only when it will
 * be needed (never past `maxRows`); if the consumer stops early, the one request in flight is
 * left to finish and its answer dropped (cancelling it would count a consumer's `break` as an
 * aborted request in the metrics, and the request is already on the wire).
 */
export async function* readHubSpotList(remote: HubSpotRemoteContext, request: HubSpotListRead): AsyncGenerator<Row[]> {
  const { apis, table, objectType, known } = request;
  const columns = (request.columns ?? [...known.keys()]).filter((column) => column !== 'id');
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length > 0) {
    throw new DataError({
      message: `${table} has no properties named ${unknown.join(', ')}`,
      connector: remote.connectorId,
      operation: 'read',
      code: 'PROPERTY_DOESNT_EXIST',
      hint: 'describe() lists the properties of the object.',
    });
  }
  const types = new Map([...known].map(([name, info]) => [name, info.type]));
  const maxRows = request.maxRows;
  const pageSize = Math.max(1, Math.min(hubSpotPageLimit, request.pageSize ?? hubSpotPageLimit));
  const since = request.since?.getTime();
  // Every property of a busy portal does not fit in one URL: each page is then read as one request
  // per group of properties, sent together, and merged on record id.
  const chunks = chunkProperties(columns);
  const fetchPage = (cursor: string | undefined, wanted: number): Promise<HubSpotListPage['data']> => {
    // Without `since` every record listed is delivered, so the rows still wanted bound the page size.
    const limit = Math.min(pageSize, since === undefined ? wanted : pageSize);
    const answers = chunks.map(async (chunk) => {
      const answer = await remote.call('read', () => apis.listPage(objectType, limit, cursor, chunk), { signal: request.signal });
      remote.observeHeaders(answer.headers);
      return answer.data;
    });
    const page = Promise.all(answers).then((data) => {
      const merged = mergePropertyChunks(data);
      if (merged.dropped > 0) {
        remote.logger.info({ connector: remote.connectorId, objectType, dropped: merged.dropped }, 'records deleted while their page was being read were left out');
      }
      return merged.data;
    });
    // Marked handled at once: a read-ahead can fail while the consumer still holds the previous
    // page, and an unobserved rejection would end the process. The loop awaits it and throws then.
    page.catch(() => {});
    return page;
  };

  let delivered = 0;
  let pending: Promise<HubSpotListPage['data']> | undefined = maxRows > 0 ? fetchPage(undefined, maxRows) : undefined;
  while (pending) {
    const page = await pending;
    pending = undefined;
    // The rows this page delivers, known before typing it (`since` reads one instant per record).
    const wanted = maxRows - delivered;
    const kept = since === undefined ? page.results : page.results.filter((record) => parseHubSpotTime(record.updatedAt) >= since);
    const count = Math.min(kept.length, wanted);
    const after = page.paging?.next?.after;
    if (after && count < wanted) {
      pending = fetchPage(after, wanted - count);
      // Let the request leave before this page is typed: typing is synchronous and would hold it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const rows: Row[] = new Array(count);
    for (let index = 0; index < count; index += 1) rows[index] = toRow(kept[index]!, types);
    if (rows.length > 0) {
      delivered += rows.length;
      remote.metrics.recordRows(remote.connectorId, 'read', rows.length);
      remote.metrics.recordBytes(remote.connectorId, 'read', estimateBytes(rows));
      yield rows;
    }
  }
}
