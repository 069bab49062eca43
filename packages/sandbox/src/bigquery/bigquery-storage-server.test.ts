import { v1 } from '@google-cloud/bigquery-storage';
import { credentials } from '@grpc/grpc-js';
import { RecordBatchReader } from 'apache-arrow';
import { JWT } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigQueryEmulator, type BigQueryEmulator } from './bigquery-emulator.js';

process.env.METADATA_SERVER_DETECTION = 'none';

describe('BigQuery Storage Read API emulator with @google-cloud/bigquery-storage', () => {
  let emulator: BigQueryEmulator;
  let client: InstanceType<typeof v1.BigQueryReadClient>;

  beforeAll(async () => {
    emulator = createBigQueryEmulator({ storageRowsPerBatch: 2 });
    await emulator.start();
    const key = emulator.createServiceAccount({ projectId: 'automl-tests' });
    const jwt = new JWT({ email: key.client_email, key: key.private_key, scopes: ['https://www.googleapis.com/auth/bigquery'] });
    const { host, port } = emulator.storageEndpoint;
    client = new v1.BigQueryReadClient({ apiEndpoint: host, port, sslCreds: credentials.createInsecure(), authClient: jwt as never });
    await emulator.seed(
      'shop.customers',
      [
        { id: 1, name: 'Ada', n: '12.5', ts: '2024-01-02T03:04:05.123456Z', tags: ['a'] },
        { id: 2, name: 'Bob', n: '-0.000000001', ts: null, tags: [] },
        { id: 3, name: 'Cy', n: null, ts: '2024-01-03T00:00:00Z', tags: ['b', 'c'] },
        { id: 4, name: 'Dee', n: '1', ts: null, tags: [] },
        { id: 5, name: 'Eve', n: '2', ts: null, tags: [] },
      ],
      [
        { name: 'id', type: 'INT64' },
        { name: 'name', type: 'STRING' },
        { name: 'n', type: 'NUMERIC' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      ],
    );
  });
  afterAll(async () => {
    await client.close();
    await emulator.stop();
  });

  async function readStream(schema: Uint8Array, stream: string) {
    const rows: Array<Record<string, unknown>> = [];
    for await (const response of client.readRows({ readStream: stream, offset: 0 })) {
      const batch = response.arrowRecordBatch!.serializedRecordBatch as Uint8Array;
      const bytes = new Uint8Array(schema.length + batch.length);
      bytes.set(schema);
      bytes.set(batch, schema.length);
      for (const recordBatch of RecordBatchReader.from(bytes)) {
        for (const row of recordBatch) rows.push(row!.toJSON() as Record<string, unknown>);
      }
    }
    return rows;
  }

  it('splits a session into several streams of Arrow batches that together hold every row once', async () => {
    const [session] = await client.createReadSession({
      parent: 'projects/automl-tests',
      readSession: { table: 'projects/automl-tests/datasets/shop/tables/customers', dataFormat: 'ARROW' },
      maxStreamCount: 2,
    });
    expect(session.streams).toHaveLength(2);
    const schema = session.arrowSchema!.serializedSchema as Uint8Array;
    const streams = await Promise.all(session.streams!.map((stream) => readStream(schema, stream.name!)));
    expect(streams.map((rows) => rows.length)).toEqual([2, 3]);
    const ids = streams.flat().map((row) => row.id);
    expect(ids).toEqual([1n, 2n, 3n, 4n, 5n]);
  });

  it('pushes the projection and the row filter down, with Storage API types (int64, decimal128, timestamp[us, UTC], list)', async () => {
    const [session] = await client.createReadSession({
      parent: 'projects/automl-tests',
      readSession: {
        table: 'projects/automl-tests/datasets/shop/tables/customers',
        dataFormat: 'ARROW',
        readOptions: { selectedFields: ['id', 'n', 'ts', 'tags'], rowRestriction: 'id <= 3 AND name != "Bob"' },
      },
      maxStreamCount: 1,
    });
    const schema = session.arrowSchema!.serializedSchema as Uint8Array;
    const rows = await readStream(schema, session.streams![0]!.name!);
    expect(rows.map((row) => row.id)).toEqual([1n, 3n]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'n', 'ts', 'tags']);
    const reader = RecordBatchReader.from(schema);
    reader.open();
    expect(reader.schema.fields.map((field) => String(field.type))).toEqual(['Int64', 'Decimal[38e+9]', 'Timestamp<MICROSECOND, UTC>', 'List<Utf8>']);
  });

  it('answers an injected fault with its gRPC code', async () => {
    emulator.faults.inject({ route: 'storage.createReadSession', times: 1, fault: { kind: 'status', status: 503 } });
    await expect(
      client.createReadSession(
        { parent: 'projects/automl-tests', readSession: { table: 'projects/automl-tests/datasets/shop/tables/customers', dataFormat: 'ARROW' } },
        { retry: { retryCodes: [] } as never },
      ),
    ).rejects.toMatchObject({ code: 14 });
  });
});
