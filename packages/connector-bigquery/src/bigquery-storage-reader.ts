import { v1 } from '@google-cloud/bigquery-storage';
import { credentials } from '@grpc/grpc-js';
import { RecordBatchReader } from 'apache-arrow';
import type { ConnectorContext, ConnectorError, Row } from '@automl/connector-core';
import type { JWT } from 'google-auth-library';
import { convertArrowBatch } from './convert-arrow-row.js';
import type { BigQueryField } from './convert-bigquery-row.js';
import type { TableName } from './bigquery-table-name.js';

export type ReadClient = InstanceType<typeof v1.BigQueryReadClient>;

/** The Storage Read API's public endpoint. */
export const STORAGE_ENDPOINT = 'bigquerystorage.googleapis.com:443';

/**
 * gax retries are off: core's policy is the only retry. ReadRows streams are retried by gax's
 * retry-request layer whatever `retry` says (UNAVAILABLE waited ~3 s and retried, verified), hence
 * `retryRequestOptions` too.
 */
const NO_RETRY = { retry: { retryCodes: [] }, retryRequestOptions: { retries: 0, noResponseRetries: 0 } } as never;

/**
 * A BigQueryReadClient for an endpoint: `host:port` over TLS with the service account's JWT on
 * every call, or `http://host:port` over a plaintext channel (the local sandbox, which carries no
 * credentials: an insecure channel gets no call credentials).
 */
export function createReadClient(endpoint: string | undefined, authClient: JWT): ReadClient {
  const target = endpoint ?? STORAGE_ENDPOINT;
  const plaintext = target.startsWith('http://');
  const url = new URL(/^[a-z]+:\/\//.test(target) ? target : `https://${target}`);
  return new v1.BigQueryReadClient({
    apiEndpoint: url.hostname,
    port: Number(url.port || (plaintext ? 80 : 443)),
    authClient: authClient as never,
    ...(plaintext ? { sslCreds: credentials.createInsecure() } : {}),
  });
}

interface StreamCall {
  cancel(): void;
  [Symbol.asyncIterator](): AsyncIterator<{ arrowRecordBatch?: { serializedRecordBatch?: Uint8Array | null } | null; rowCount?: number | string | null }>;
}

export interface StorageReadOptions {
  table: TableName;
  /** The table's fields, for the conversion (only the selected ones are read). */
  fields: BigQueryField[];
  selectedFields?: string[];
  /** A GoogleSQL predicate the service applies before sending rows. */
  rowRestriction?: string;
  maxStreams: number;
  /** The project billed for the session. */
  billingProject: string;
  classify: (error: unknown) => ConnectorError;
}

/**
 * Reads a table through the Storage Read API: one session (projection and filter pushed down),
 * its streams read in parallel, pages yielded as they arrive. Memory stays bounded: each stream
 * has at most one Arrow batch decoded ahead of the consumer.
 */
export async function* readWithStorage(client: ReadClient, options: StorageReadOptions, context: ConnectorContext): AsyncGenerator<Row[]> {
  const { table } = options;
  const [session] = await context.call(
    'read',
    () =>
      client.createReadSession(
        {
          parent: `projects/${options.billingProject}`,
          readSession: {
            table: `projects/${table.projectId}/datasets/${table.datasetId}/tables/${table.tableId}`,
            dataFormat: 'ARROW',
            readOptions: {
              ...(options.selectedFields ? { selectedFields: options.selectedFields } : {}),
              ...(options.rowRestriction ? { rowRestriction: options.rowRestriction } : {}),
            },
          },
          maxStreamCount: options.maxStreams,
        },
        NO_RETRY,
      ),
    { idempotent: true },
  );
  const schema = (session.arrowSchema?.serializedSchema ?? new Uint8Array()) as Uint8Array;
  const fields = options.selectedFields ? options.fields.filter((field) => options.selectedFields!.includes(field.name)) : options.fields;
  const calls = new Set<StreamCall>();
  const onAbort = () => {
    for (const call of calls) call.cancel();
  };
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const streams = (session.streams ?? []).map((stream) => streamPages(client, stream.name ?? '', schema, fields, context, calls, options.classify));
    yield* merge(streams);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    onAbort();
  }
}

/** One stream's pages; a stream broken after some rows is reopened at its offset, as the API allows. */
async function* streamPages(
  client: ReadClient,
  name: string,
  schema: Uint8Array,
  fields: BigQueryField[],
  context: ConnectorContext,
  calls: Set<StreamCall>,
  classify: (error: unknown) => ConnectorError,
): AsyncGenerator<Row[]> {
  let offset = 0;
  for (;;) {
    const openedAt = offset;
    const opened = await context.call(
      'read',
      async () => {
        const call = client.readRows({ readStream: name, offset }, NO_RETRY) as unknown as StreamCall;
        calls.add(call);
        const iterator = call[Symbol.asyncIterator]();
        try {
          return { call, iterator, first: await iterator.next() };
        } catch (error) {
          calls.delete(call);
          throw error;
        }
      },
      { idempotent: true },
    );
    let step = opened.first;
    try {
      while (!step.done) {
        const batch = (step.value.arrowRecordBatch?.serializedRecordBatch ?? new Uint8Array()) as Uint8Array;
        const rows = decode(schema, batch, fields);
        offset += rows.length;
        context.recordBytes('read', batch.length);
        yield rows;
        step = await opened.iterator.next();
      }
      return;
    } catch (error) {
      const classified = classify(error);
      // Resume only after progress, and only for a failure worth retrying; anything else ends the read.
      if (!classified.retryable || offset === openedAt) throw classified;
    } finally {
      calls.delete(opened.call);
    }
  }
}

function decode(schema: Uint8Array, batch: Uint8Array, fields: BigQueryField[]): Row[] {
  const bytes = new Uint8Array(schema.length + batch.length);
  bytes.set(schema);
  bytes.set(batch, schema.length);
  const rows: Row[] = [];
  for (const recordBatch of RecordBatchReader.from(bytes)) for (const row of convertArrowBatch(fields, recordBatch)) rows.push(row);
  return rows;
}

/**
 * Pages of several iterators in arrival order, one page pulled ahead per iterator. Results land in
 * a queue the loop waits on, not in a Promise.race over the pending reads: each race leaves a
 * reaction on every read still pending, and each reaction keeps the page that won that race, so a
 * stream slower than the others held every page delivered meanwhile (memory grew with the table).
 */
async function* merge<T>(iterators: AsyncGenerator<T>[]): AsyncGenerator<T> {
  type Arrival = { index: number; result: IteratorResult<T> } | { index: number; error: unknown };
  const arrived: Arrival[] = [];
  let wake: (() => void) | undefined;
  const pull = (index: number) => {
    iterators[index]!.next().then(
      (result) => {
        arrived.push({ index, result });
        wake?.();
      },
      // A stream failing while the read stops (cancel, error elsewhere) is reported here, never unhandled.
      (error: unknown) => {
        arrived.push({ index, error });
        wake?.();
      },
    );
  };
  iterators.forEach((_, index) => pull(index));
  let active = iterators.length;
  while (active > 0) {
    if (arrived.length === 0)
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    wake = undefined;
    const arrival = arrived.shift()!;
    if ('error' in arrival) throw arrival.error;
    if (arrival.result.done) {
      active -= 1;
      continue;
    }
    pull(arrival.index);
    yield arrival.result.value;
  }
}
