import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { protos } from '@google-cloud/bigquery-storage';
import { type sendUnaryData, Server, ServerCredentials, type ServerUnaryCall, type ServerWritableStream, status as GrpcStatus } from '@grpc/grpc-js';
import type { FaultInjector } from '../harness/faults.js';
import { arrowSchemaOf, serializedRecordBatch, serializedSchema } from './bigquery-arrow.js';
import { PageCache } from './bigquery-page-cache.js';
import { quoteIdent, type TableFieldSchema } from './bigquery-schema.js';
import { rewriteGoogleSql } from './bigquery-sql.js';
import { ANONYMOUS_DATASET, type BigQueryWarehouse, qualified, type TableRef } from './bigquery-warehouse.js';

const v1 = protos.google.cloud.bigquery.storage.v1;
type CreateReadSessionRequest = protos.google.cloud.bigquery.storage.v1.ICreateReadSessionRequest;
type ReadRowsRequest = protos.google.cloud.bigquery.storage.v1.IReadRowsRequest;
type ReadSession = protos.google.cloud.bigquery.storage.v1.IReadSession;
type ReadRowsResponse = protos.google.cloud.bigquery.storage.v1.IReadRowsResponse;

interface SessionState {
  name: string;
  /** The session's snapshot: the selected columns of the rows that pass the filter, in a table of their own. */
  snapshot: TableRef;
  fields: TableFieldSchema[];
  schema: ReturnType<typeof arrowSchemaOf>;
  streams: Array<{ name: string; start: number; count: number }>;
  /** What the snapshot holds (source table, data version, columns, filter): the key of its cached batches. */
  contentKey: string;
}

/** What one ReadRows stream and CreateReadSession did, for tests and benchmarks. */
export interface StorageRequest {
  method: 'CreateReadSession' | 'ReadRows';
  target: string;
  code: number;
  rows?: number;
}

const BIGQUERY_READ = '/google.cloud.bigquery.storage.v1.BigQueryRead';
const encode = (type: { encode(message: unknown): { finish(): Uint8Array } }) => (message: unknown) => Buffer.from(type.encode(message).finish());

/** The BigQueryRead service, declared from the package's own protobuf classes (no .proto loading). */
const service = {
  createReadSession: {
    path: `${BIGQUERY_READ}/CreateReadSession`,
    requestStream: false,
    responseStream: false,
    requestSerialize: encode(v1.CreateReadSessionRequest),
    requestDeserialize: (bytes: Buffer) => v1.CreateReadSessionRequest.decode(bytes),
    responseSerialize: encode(v1.ReadSession),
    responseDeserialize: (bytes: Buffer) => v1.ReadSession.decode(bytes),
  },
  readRows: {
    path: `${BIGQUERY_READ}/ReadRows`,
    requestStream: false,
    responseStream: true,
    requestSerialize: encode(v1.ReadRowsRequest),
    requestDeserialize: (bytes: Buffer) => v1.ReadRowsRequest.decode(bytes),
    responseSerialize: encode(v1.ReadRowsResponse),
    responseDeserialize: (bytes: Buffer) => v1.ReadRowsResponse.decode(bytes),
  },
};

/** gRPC status codes for the HTTP statuses faults are written in. */
function grpcCode(status: number): number {
  if (status === 429) return GrpcStatus.RESOURCE_EXHAUSTED;
  if (status === 401) return GrpcStatus.UNAUTHENTICATED;
  if (status === 403) return GrpcStatus.PERMISSION_DENIED;
  if (status === 404) return GrpcStatus.NOT_FOUND;
  if (status === 400) return GrpcStatus.INVALID_ARGUMENT;
  if (status === 504) return GrpcStatus.DEADLINE_EXCEEDED;
  if (status >= 500) return GrpcStatus.UNAVAILABLE;
  return GrpcStatus.UNKNOWN;
}

/**
 * The BigQuery Storage Read API (v1) over gRPC on an insecure loopback channel: CreateReadSession
 * snapshots the table's selected columns and filtered rows and splits them into up to
 * `maxStreamCount` streams; ReadRows answers a stream from an offset with Arrow record batches.
 * Faults are the harness's, on the routes `storage.createReadSession` and `storage.readRows`.
 */
export class BigQueryStorageServer {
  readonly requests: StorageRequest[] = [];
  readonly #sessions = new Map<string, SessionState>();
  readonly #warehouse: () => BigQueryWarehouse;
  readonly #faults: FaultInjector;
  readonly #rowsPerBatch: number;
  readonly #batches: PageCache<Uint8Array>;
  #server: Server | undefined;
  #port = 0;

  constructor(options: { warehouse: () => BigQueryWarehouse; faults: FaultInjector; rowsPerBatch?: number; cacheBytes?: number }) {
    this.#batches = new PageCache<Uint8Array>(options.cacheBytes);
    this.#warehouse = options.warehouse;
    this.#faults = options.faults;
    this.#rowsPerBatch = options.rowsPerBatch ?? 10_000;
  }

  /** host and port for the client (`apiEndpoint`, `port`). */
  get endpoint(): { host: string; port: number } {
    if (!this.#server) throw new Error('bigquery storage server is not started');
    return { host: '127.0.0.1', port: this.#port };
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = new Server();
    server.addService(service as never, {
      createReadSession: (call: ServerUnaryCall<CreateReadSessionRequest, ReadSession>, callback: sendUnaryData<ReadSession>) => {
        void this.#createReadSession(call.request).then(
          (session) => {
            this.requests.push({ method: 'CreateReadSession', target: session.table ?? '', code: 0 });
            callback(null, session);
          },
          (error: { code?: number; message?: string }) => {
            this.requests.push({ method: 'CreateReadSession', target: call.request.readSession?.table ?? '', code: error.code ?? GrpcStatus.INTERNAL });
            callback({ code: error.code ?? GrpcStatus.INTERNAL, details: error.message ?? 'internal error' });
          },
        );
      },
      readRows: (call: ServerWritableStream<ReadRowsRequest, ReadRowsResponse>) => {
        void this.#readRows(call);
      },
    });
    this.#port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    });
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.forceShutdown();
  }

  reset(): void {
    this.#sessions.clear();
    this.#batches.clear();
    this.requests.length = 0;
  }

  /** Faults of the harness: latency delays the answer (a stream's first batch); statuses become gRPC errors (a reset ends the stream UNAVAILABLE). */
  async #fault(route: string): Promise<{ code: number; message: string } | undefined> {
    for (const fault of this.#faults.take(route)) {
      if (fault.kind === 'latency') await sleep(fault.ms);
      if (fault.kind === 'status') return { code: grpcCode(fault.status), message: fault.message ?? `Injected ${fault.status}` };
      if (fault.kind === 'reset') return { code: GrpcStatus.UNAVAILABLE, message: 'Connection reset by peer' };
      if (fault.kind === 'auth') return { code: GrpcStatus.UNAUTHENTICATED, message: 'Request had invalid authentication credentials.' };
    }
    return undefined;
  }

  async #createReadSession(request: CreateReadSessionRequest): Promise<ReadSession> {
    const fault = await this.#fault('storage.createReadSession');
    if (fault) throw fault;
    const tablePath = request.readSession?.table ?? '';
    const match = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(tablePath);
    if (!match) throw { code: GrpcStatus.INVALID_ARGUMENT, message: `Invalid table name: ${tablePath}` };
    const ref: TableRef = { projectId: match[1]!, datasetId: match[2]!, tableId: match[3]! };
    const warehouse = this.#warehouse();
    if (!(await warehouse.tableExists(ref))) throw { code: GrpcStatus.NOT_FOUND, message: `Not found: Table ${ref.projectId}:${ref.datasetId}.${ref.tableId}` };
    if (request.readSession?.dataFormat !== v1.DataFormat.ARROW)
      throw { code: GrpcStatus.INVALID_ARGUMENT, message: 'The emulator serves data_format ARROW only.' };
    const all = await warehouse.schemaOf(ref);
    const selected = request.readSession.readOptions?.selectedFields ?? [];
    const fields = selected.length > 0 ? all.filter((field) => selected.includes(field.name)) : all;
    const unknown = selected.filter((name) => !all.some((field) => field.name === name));
    if (unknown.length > 0) throw { code: GrpcStatus.INVALID_ARGUMENT, message: `request failed: Column ${unknown[0]} not found in table` };
    const restriction = request.readSession.readOptions?.rowRestriction;
    const where = restriction ? ` WHERE (${rewriteGoogleSql(restriction).sql})` : '';
    const contentKey = [warehouse.version, tablePath, fields.map((field) => field.name).join(','), restriction ?? ''].join('|');
    const id = randomUUID().replaceAll('-', '').slice(0, 20);
    const snapshot: TableRef = { projectId: ref.projectId, datasetId: ANONYMOUS_DATASET, tableId: `session_${id}` };
    const columns = fields.map((field) => quoteIdent(field.name)).join(', ') || '1 AS _none';
    try {
      await warehouse.serial((connection) => connection.run(`CREATE TABLE ${qualified(snapshot)} AS SELECT ${columns} FROM ${qualified(ref)}${where}`));
    } catch (error) {
      throw { code: GrpcStatus.INVALID_ARGUMENT, message: `request failed: ${(error as Error).message}` };
    }
    const total = await warehouse.countRows(snapshot);
    const wanted = Math.max(1, Number(request.maxStreamCount ?? 0) || 1, Number(request.preferredMinStreamCount ?? 0));
    const streamCount = Math.max(1, Math.min(wanted, total));
    const name = `projects/${ref.projectId}/locations/us/sessions/${id}`;
    const streams = Array.from({ length: streamCount }, (_, index) => {
      const start = Math.floor((total * index) / streamCount);
      const end = Math.floor((total * (index + 1)) / streamCount);
      return { name: `${name}/streams/${index}`, start, count: end - start };
    });
    const schema = arrowSchemaOf(fields);
    this.#sessions.set(name, { name, snapshot, fields, schema, streams, contentKey });
    return {
      name,
      dataFormat: v1.DataFormat.ARROW,
      arrowSchema: { serializedSchema: serializedSchema(schema) },
      table: tablePath,
      readOptions: request.readSession.readOptions ?? {},
      streams: streams.map((stream) => ({ name: stream.name })),
      estimatedRowCount: total,
      estimatedTotalBytesScanned: 0,
    };
  }

  async #readRows(call: ServerWritableStream<ReadRowsRequest, ReadRowsResponse>): Promise<void> {
    const streamName = call.request.readStream ?? '';
    let sent = 0;
    const fail = (code: number, message: string) => {
      this.requests.push({ method: 'ReadRows', target: streamName, code, rows: sent });
      // grpc-js sends the status of an 'error' event; destroy() would end the stream without one.
      call.emit('error', Object.assign(new Error(message), { code, details: message }));
    };
    const fault = await this.#fault('storage.readRows');
    if (fault) return fail(fault.code, fault.message);
    const sessionName = streamName.replace(/\/streams\/\d+$/, '');
    const session = this.#sessions.get(sessionName);
    const stream = session?.streams.find((candidate) => candidate.name === streamName);
    if (!session || !stream) return fail(GrpcStatus.NOT_FOUND, `Not found: stream ${streamName}`);
    const warehouse = this.#warehouse();
    let offset = Number(call.request.offset ?? 0);
    try {
      while (offset < stream.count && !call.cancelled) {
        const size = Math.min(this.#rowsPerBatch, stream.count - offset);
        const batch = await this.#batches.get(`${session.contentKey}|${stream.start + offset}|${size}`, async () => {
          const { rows } = await warehouse.readRows(session.snapshot, { startIndex: stream.start + offset, maxResults: size });
          return serializedRecordBatch(session.schema, session.fields, rows);
        });
        const response: ReadRowsResponse = {
          arrowRecordBatch: { serializedRecordBatch: batch, rowCount: size },
          rowCount: size,
          stats: { progress: { atResponseStart: offset / Math.max(1, stream.count), atResponseEnd: (offset + size) / Math.max(1, stream.count) } },
        };
        offset += size;
        sent += size;
        // Backpressure: wait for the client to drain before the next batch, so memory stays bounded.
        if (!call.write(response)) await new Promise<void>((resolve) => call.once('drain', () => resolve()));
      }
      this.requests.push({ method: 'ReadRows', target: streamName, code: 0, rows: sent });
      call.end();
    } catch (error) {
      fail(GrpcStatus.INTERNAL, (error as Error).message);
    }
  }
}
