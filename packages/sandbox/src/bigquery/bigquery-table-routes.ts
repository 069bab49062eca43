import type { DuckDBValue } from '@duckdb/node-api';
import type { EmulatorResponse, Route } from '../harness/types.js';
import {
  type BigQueryContext,
  decodePageToken,
  encodePageToken,
  errorResponse,
  lateFault,
  tableRefFrom,
  tableResourceRef,
  timestampFormat,
} from './bigquery-context.js';
import { bigQueryError } from './bigquery-errors.js';
import type { TableFieldSchema } from './bigquery-schema.js';
import { cellEncoder, coerceRecord, type TimestampFormat } from './bigquery-values.js';
import { ANONYMOUS_DATASET, type TableRef } from './bigquery-warehouse.js';

const V2 = '/bigquery/v2/projects/:projectId';
/** tabledata.list answers at most 100,000 rows or about 10 MB per page (BigQuery quotas). */
const MAX_PAGE_ROWS = 100_000;
const MAX_PAGE_BYTES = 10 * 1024 * 1024;

/** REST rows `{f: [{v}]}` of DuckDB rows, cut where a page would pass ~10 MB. */
export function encodeRows(schema: TableFieldSchema[], rows: DuckDBValue[][], timestamps: TimestampFormat): { rows: unknown[]; bytes: number } {
  const encoded: unknown[] = [];
  const encoders = schema.map((field) => cellEncoder(field, timestamps));
  let bytes = 0;
  for (const row of rows) {
    const cells = { f: encoders.map((encode, index) => encode(row[index] ?? null)) };
    // Size is estimated from the scalar text only; cheaper than serialising every row twice.
    bytes += estimateSize(cells);
    encoded.push(cells);
    if (bytes > MAX_PAGE_BYTES) break;
  }
  return { rows: encoded, bytes };
}

/** A row's size in the response, roughly: its cells' text plus JSON punctuation. */
function estimateSize(row: { f: Array<{ v: unknown }> }): number {
  let size = 8;
  for (const cell of row.f) size += typeof cell.v === 'string' ? cell.v.length + 8 : 64;
  return size;
}

function datasetResource(context: BigQueryContext, projectId: string, datasetId: string) {
  const dataset = context.warehouse.getDataset(projectId, datasetId);
  if (!dataset) return undefined;
  return {
    kind: 'bigquery#dataset',
    etag: `"${dataset.lastModifiedTime.toString(36)}"`,
    id: `${projectId}:${datasetId}`,
    datasetReference: { projectId, datasetId },
    location: dataset.location,
    creationTime: String(dataset.creationTime),
    lastModifiedTime: String(dataset.lastModifiedTime),
    ...(dataset.description ? { description: dataset.description } : {}),
    ...(dataset.labels ? { labels: dataset.labels } : {}),
  };
}

const notFoundDataset = (projectId: string, datasetId: string) => bigQueryError('notFound', `Not found: Dataset ${projectId}:${datasetId}`);

async function tableResource(context: BigQueryContext, ref: TableRef) {
  const table = await context.warehouse.describeTable(ref);
  const dataset = context.warehouse.getDataset(ref.projectId, ref.datasetId);
  return {
    kind: 'bigquery#table',
    etag: `"${table.lastModifiedTime.toString(36)}"`,
    id: `${ref.projectId}:${ref.datasetId}.${ref.tableId}`,
    tableReference: tableResourceRef(ref),
    schema: { fields: table.schema },
    numRows: String(table.numRows),
    numBytes: String(Math.round(table.numBytes)),
    numLongTermBytes: '0',
    creationTime: String(table.creationTime),
    lastModifiedTime: String(table.lastModifiedTime),
    type: 'TABLE',
    location: dataset?.location ?? context.location,
    ...(table.description ? { description: table.description } : {}),
  };
}

/** datasets.*, tables.*, tabledata.list and tabledata.insertAll. */
export function tableRoutes(context: BigQueryContext): Route[] {
  const guard = async (work: () => Promise<EmulatorResponse>): Promise<EmulatorResponse> => {
    try {
      return await work();
    } catch (error) {
      return errorResponse(error);
    }
  };
  return [
    {
      method: 'GET',
      path: `${V2}/datasets`,
      name: 'datasets.list',
      handler: ({ params }) => {
        const datasets = [...context.warehouse.datasets.values()].filter(
          (dataset) => dataset.projectId === params.projectId && dataset.datasetId !== ANONYMOUS_DATASET,
        );
        return {
          status: 200,
          body: {
            kind: 'bigquery#datasetList',
            etag: '"datasets"',
            datasets: datasets.map((dataset) => ({
              kind: 'bigquery#dataset',
              id: `${dataset.projectId}:${dataset.datasetId}`,
              datasetReference: { projectId: dataset.projectId, datasetId: dataset.datasetId },
              location: dataset.location,
            })),
          },
        };
      },
    },
    {
      method: 'POST',
      path: `${V2}/datasets`,
      name: 'datasets.insert',
      handler: ({ params, body }) =>
        guard(async () => {
          const resource = (body ?? {}) as {
            datasetReference?: { datasetId?: string };
            location?: string;
            description?: string;
            labels?: Record<string, string>;
          };
          const datasetId = resource.datasetReference?.datasetId;
          if (!datasetId || !/^\w{1,1024}$/.test(datasetId))
            return bigQueryError(
              'invalid',
              `Invalid dataset ID "${datasetId ?? ''}". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.`,
            );
          await context.warehouse.createDataset({
            projectId: params.projectId!,
            datasetId,
            location: resource.location ?? context.location,
            description: resource.description,
            labels: resource.labels,
          });
          return { status: 200, body: datasetResource(context, params.projectId!, datasetId) };
        }),
    },
    {
      method: 'GET',
      path: `${V2}/datasets/:datasetId`,
      name: 'datasets.get',
      handler: ({ params }) => {
        const resource = datasetResource(context, params.projectId!, params.datasetId!);
        return resource ? { status: 200, body: resource } : notFoundDataset(params.projectId!, params.datasetId!);
      },
    },
    {
      method: 'DELETE',
      path: `${V2}/datasets/:datasetId`,
      name: 'datasets.delete',
      handler: ({ params, url }) =>
        guard(async () => {
          if (!context.warehouse.getDataset(params.projectId!, params.datasetId!)) return notFoundDataset(params.projectId!, params.datasetId!);
          await context.warehouse.deleteDataset(params.projectId!, params.datasetId!, url.searchParams.get('deleteContents') === 'true');
          return { status: 204 };
        }),
    },
    {
      method: 'GET',
      path: `${V2}/datasets/:datasetId/tables`,
      name: 'tables.list',
      handler: ({ params, url }) =>
        guard(async () => {
          if (!context.warehouse.getDataset(params.projectId!, params.datasetId!)) return notFoundDataset(params.projectId!, params.datasetId!);
          const names = await context.warehouse.listTables(params.projectId!, params.datasetId!);
          const start = decodePageToken(url.searchParams.get('pageToken')) ?? 0;
          const size = Math.min(Number(url.searchParams.get('maxResults') ?? 1000) || 1000, 1000);
          const page = names.slice(start, start + size);
          return {
            status: 200,
            body: {
              kind: 'bigquery#tableList',
              etag: '"tables"',
              totalItems: names.length,
              tables: page.map((tableId) => ({
                kind: 'bigquery#table',
                id: `${params.projectId}:${params.datasetId}.${tableId}`,
                tableReference: { projectId: params.projectId, datasetId: params.datasetId, tableId },
                type: 'TABLE',
              })),
              ...(start + size < names.length ? { nextPageToken: encodePageToken(start + size) } : {}),
            },
          };
        }),
    },
    {
      method: 'POST',
      path: `${V2}/datasets/:datasetId/tables`,
      name: 'tables.insert',
      handler: ({ params, body }) =>
        guard(async () => {
          const resource = (body ?? {}) as { tableReference?: { tableId?: string }; schema?: { fields?: TableFieldSchema[] }; description?: string };
          const tableId = resource.tableReference?.tableId;
          if (!tableId) return bigQueryError('invalid', 'Table reference is missing the table ID.');
          const ref = { projectId: params.projectId!, datasetId: params.datasetId!, tableId };
          await context.warehouse.createTable(ref, resource.schema?.fields ?? [], resource.description);
          return { status: 200, body: await tableResource(context, ref) };
        }),
    },
    {
      method: 'GET',
      path: `${V2}/datasets/:datasetId/tables/:tableId`,
      name: 'tables.get',
      handler: ({ params }) => guard(async () => ({ status: 200, body: await tableResource(context, tableRefFrom(params)) })),
    },
    {
      method: 'DELETE',
      path: `${V2}/datasets/:datasetId/tables/:tableId`,
      name: 'tables.delete',
      handler: ({ params }) =>
        guard(async () => {
          await context.warehouse.deleteTable(tableRefFrom(params));
          return { status: 204 };
        }),
    },
    {
      method: 'GET',
      path: `${V2}/datasets/:datasetId/tables/:tableId/data`,
      name: 'tabledata.list',
      handler: ({ params, url }) =>
        guard(async () => {
          const ref = tableRefFrom(params);
          const query = url.searchParams;
          const token = decodePageToken(query.get('pageToken'));
          if (Number.isNaN(token)) return bigQueryError('invalid', 'Invalid page token.');
          const start = token ?? Number(query.get('startIndex') ?? 0);
          const maxResults = Math.min(Number(query.get('maxResults') ?? MAX_PAGE_ROWS) || MAX_PAGE_ROWS, MAX_PAGE_ROWS);
          const selected = query
            .get('selectedFields')
            ?.split(',')
            .map((name) => name.trim())
            .filter(Boolean);
          const formats = timestampFormat({
            useInt64Timestamp: query.get('formatOptions.useInt64Timestamp') ?? undefined,
            timestampOutputFormat: query.get('formatOptions.timestampOutputFormat') ?? undefined,
          });
          const key = [context.warehouse.version, ref.projectId, ref.datasetId, ref.tableId, start, maxResults, selected?.join(',') ?? '*', formats].join('|');
          let missing = false;
          const body = await context.pages.get(key, async () => {
            const total = await context.warehouse.countRows(ref).catch(() => undefined);
            if (total === undefined) {
              missing = true;
              return '';
            }
            const { schema, rows } = await context.warehouse.readRows(ref, { startIndex: start, maxResults, selectedFields: selected });
            const page = encodeRows(schema, rows, formats);
            const next = start + page.rows.length;
            return JSON.stringify({
              kind: 'bigquery#tableDataList',
              etag: `"${total}"`,
              totalRows: String(total),
              rows: page.rows,
              ...(next < total ? { pageToken: encodePageToken(next) } : {}),
            });
          });
          if (missing || body === '') return bigQueryError('notFound', `Not found: Table ${ref.projectId}:${ref.datasetId}.${ref.tableId}`);
          return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
        }),
    },
    {
      method: 'POST',
      path: `${V2}/datasets/:datasetId/tables/:tableId/insertAll`,
      name: 'tabledata.insertAll',
      handler: (request) =>
        guard(async () => {
          const ref = tableRefFrom(request.params);
          const body = (request.body ?? {}) as {
            rows?: Array<{ insertId?: string; json?: Record<string, unknown> }>;
            skipInvalidRows?: boolean;
            ignoreUnknownValues?: boolean;
          };
          const rows = body.rows ?? [];
          if (rows.length > 50_000) return bigQueryError('invalid', 'too many rows present in the request, limit: 50000 row count: ' + rows.length);
          if (request.rawBody.length > 10 * 1024 * 1024) return bigQueryError('invalid', `Request payload size exceeds the limit: 10485760 bytes.`, {}, 413);
          const schema = await context.warehouse.schemaOf(ref).catch(() => undefined);
          if (!schema) return bigQueryError('notFound', `Not found: Table ${ref.projectId}:${ref.datasetId}.${ref.tableId}`);
          const insertErrors: Array<{ index: number; errors: Array<{ reason: string; location: string; debugInfo: string; message: string }> }> = [];
          const good: Array<{ index: number; insertId?: string; row: Record<string, unknown> }> = [];
          rows.forEach((entry, index) => {
            const injected = request.partialFailure?.(entry, index);
            if (injected) {
              insertErrors.push({ index, errors: [{ reason: 'backendError', location: '', debugInfo: '', message: injected }] });
              return;
            }
            const coerced = coerceRecord(schema, entry.json ?? {}, '', body.ignoreUnknownValues === true);
            if (!coerced.ok) {
              const location = /Field: ([^;]+);|field: ([^.]+)\./i.exec(coerced.message);
              insertErrors.push({
                index,
                errors: [{ reason: 'invalid', location: location?.[1] ?? location?.[2] ?? '', debugInfo: '', message: coerced.message }],
              });
              return;
            }
            good.push({ index, insertId: entry.insertId, row: coerced.value as Record<string, unknown> });
          });
          const invalid = insertErrors.some((error) => error.errors[0]?.reason === 'invalid');
          let accepted = good;
          if (invalid && body.skipInvalidRows !== true) {
            // Without skipInvalidRows one bad row stops the request: the others are reported `stopped`, none written.
            for (const entry of good) insertErrors.push({ index: entry.index, errors: [{ reason: 'stopped', location: '', debugInfo: '', message: '' }] });
            accepted = [];
          }
          const fresh = accepted.filter((entry) => !entry.insertId || !context.warehouse.seenInsertId(ref, entry.insertId));
          await context.warehouse.writeRows(
            ref,
            schema,
            fresh.map((entry) => entry.row),
            { truncate: false, create: false },
          );
          const late = lateFault(context, 'tabledata.insertAll');
          if (late) return late;
          insertErrors.sort((a, b) => a.index - b.index);
          return { status: 200, body: { kind: 'bigquery#tableDataInsertAllResponse', ...(insertErrors.length > 0 ? { insertErrors } : {}) } };
        }),
    },
  ];
}
