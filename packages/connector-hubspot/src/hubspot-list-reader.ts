import { DataError, estimateBytes, type Row } from '@automl/connector-core';
import { toRow } from './convert-hubspot-record.js';
import { hubSpotPageLimit } from './hubspot-limits.js';
import type { HubSpotApis } from './hubspot-client.js';
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
 * records a page, fetching the next page only when the consumer asks. All properties of the
 * object by default. `since` keeps records whose `updatedAt` (HubSpot's last-modified instant) is
 * at or after it: the list endpoint has no modified-since filter, so this is a full scan filtered
 * here, in bounded memory.
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
  let after: string | undefined;
  let delivered = 0;
  while (delivered < maxRows) {
    const limit = Math.min(pageSize, since === undefined ? maxRows - delivered : pageSize);
    const cursor = after;
    const answer = await remote.call('read', () => apis.listPage(objectType, limit, cursor, columns), {
      signal: request.signal,
    });
    remote.observeHeaders(answer.headers);
    const page = answer.data;
    const rows: Row[] = [];
    for (const record of page.results) {
      if (since !== undefined && new Date(record.updatedAt).getTime() < since) continue;
      if (delivered + rows.length >= maxRows) break;
      rows.push(toRow(record, types));
    }
    if (rows.length > 0) {
      delivered += rows.length;
      remote.metrics.recordRows(remote.connectorId, 'read', rows.length);
      remote.metrics.recordBytes(remote.connectorId, 'read', estimateBytes(rows));
      yield rows;
    }
    after = page.paging?.next?.after;
    if (!after) break;
  }
}
