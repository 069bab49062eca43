import { ConnectorError, DataError, estimateBytes, iterateRows, type Row, type RowsInput, type WriteResult } from '@automl/connector-core';
import { toHubSpotProperties } from './convert-hubspot-record.js';
import { mapBatchAnswer, normaliseKey, type BatchAnswer, type PendingRow } from './hubspot-batch-result.js';
import type { HubSpotApis } from './hubspot-client.js';
import { hubSpotPageLimit, hubSpotWriteConcurrency } from './hubspot-limits.js';
import type { HubSpotRemoteContext } from './hubspot-remote-context.js';

/** A write's result with HubSpot's split of written rows into created and updated records. */
export type HubSpotWriteResult = WriteResult & { created: number; updated: number };

/** One streamed write into an object type, resolved by the connector. */
export interface HubSpotBatchWrite {
  /** The connected SDK slices, used only inside `remote.call`. */
  apis: HubSpotApis;
  objectType: string;
  /** The unique property an upsert matches records on; undefined for creates. */
  idProperty: string | undefined;
  /** Runs before each batch is sent: creates the properties its rows use, when the caller asked for it. */
  beforeBatch?: ((rows: Row[]) => Promise<void>) | undefined;
}

/**
 * Streams the rows into batches of 100 and sends up to `hubSpotWriteConcurrency` of them at once
 * (core's limiter keeps the rate; memory holds that many batches), accounting for every row in
 * `result`: written (created or updated) or failed with its input index and reason. A batch naming
 * a key that a batch still in flight names too is sent only once that one is answered, so a record
 * written twice ends with the values of the last row that names it. A failure that is not about
 * rows stops the write: no new batch is sent, those in flight are awaited, then it is thrown.
 */
export async function writeHubSpotBatches(remote: HubSpotRemoteContext, rows: RowsInput, write: HubSpotBatchWrite, result: HubSpotWriteResult): Promise<void> {
  const { idProperty } = write;
  const inFlight = new Set<Promise<void>>();
  /** Keys of the batches in flight, each with the last batch naming it. */
  const keysInFlight = new Map<string, Promise<void>>();
  let fatal: { error: unknown } | undefined;
  const settle = async (atMost: number) => {
    while (inFlight.size > atMost) await Promise.race(inFlight);
    if (fatal) throw fatal.error;
  };
  let batch: PendingRow[] = [];
  let keys = new Set<string>();
  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    const sendingKeys = keys;
    batch = [];
    keys = new Set();
    if (write.beforeBatch) await write.beforeBatch(sending.map((entry) => entry.row));
    const earlier = new Set<Promise<void>>();
    for (const key of sendingKeys) {
      const task = keysInFlight.get(key);
      if (task) earlier.add(task);
    }
    await Promise.all(earlier);
    await settle(hubSpotWriteConcurrency - 1);
    const task: Promise<void> = sendBatch(remote, write, sending, result)
      .catch((error: unknown) => {
        fatal ??= { error };
      })
      .finally(() => {
        inFlight.delete(task);
        for (const key of sendingKeys) if (keysInFlight.get(key) === task) keysInFlight.delete(key);
      });
    inFlight.add(task);
    for (const key of sendingKeys) keysInFlight.set(key, task);
  };

  try {
    for await (const row of iterateRows(rows)) {
      const index = result.received++;
      const properties = toHubSpotProperties(row);
      let key: string | undefined;
      if (idProperty) {
        const value = properties[idProperty];
        if (!value) {
          result.failed.push({ index, row, reason: `The row has no ${idProperty}, which the upsert matches records on.`, code: 'MISSING_ID_PROPERTY' });
          continue;
        }
        key = normaliseKey(idProperty, value);
        // HubSpot refuses a batch that names one record twice: the second occurrence goes in the next batch.
        if (keys.has(key)) await flush();
        keys.add(key);
      }
      batch.push({ index, row, properties, ...(key !== undefined ? { key } : {}) });
      if (batch.length >= hubSpotPageLimit) await flush();
    }
    await flush();
    await settle(0);
  } finally {
    // Thrown mid-way (a fatal answer, the input stream failing): let the batches already sent finish.
    await Promise.allSettled(inFlight);
  }
  result.failed.sort((left, right) => left.index - right.index);
}

/**
 * Sends one batch through the connector's policy and accounts for each of its rows in `result`.
 * Upserts are idempotent (keyed on idProperty) and retried by the policy; creates are never retried.
 * Every input carries its input index as `objectWriteTraceId`, so per-row answers map back to rows.
 */
async function sendBatch(remote: HubSpotRemoteContext, write: HubSpotBatchWrite, batch: PendingRow[], result: HubSpotWriteResult): Promise<void> {
  const { apis, objectType, idProperty } = write;
  const traced = batch.map((entry) => ({ properties: entry.properties, objectWriteTraceId: String(entry.index) }));
  let answer: BatchAnswer;
  try {
    const sent = idProperty
      ? await remote.call('writeCrmData', () =>
          apis.batch.upsertWithHttpInfo(objectType, {
            inputs: batch.map((entry, position) => ({ ...traced[position]!, idProperty, id: entry.properties[idProperty]! })),
          }),
        )
      : await remote.call('writeCrmData', () => apis.batch.createWithHttpInfo(objectType, { inputs: traced.map((input) => ({ ...input, associations: [] })) }), {
          idempotent: false,
        });
    remote.observeHeaders(sent.headers);
    answer = sent.data;
    remote.metrics.recordBytes(remote.connectorId, 'write', estimateBytes(batch.map((entry) => entry.properties)));
  } catch (error) {
    if (!ConnectorError.isInstance(error)) throw error;
    if (error.code === 'PROPERTY_DOESNT_EXIST') {
      throw new DataError({
        message: `${error.message} (${objectType}; ${result.written} rows of this write were stored before this batch)`,
        connector: remote.connectorId,
        operation: 'writeCrmData',
        code: error.code,
        status: error.status,
        hint: error.hint,
      });
    }
    // A 400 for the whole batch (HubSpot validates some batches all-or-nothing): halve it until the
    // bad rows stand alone, so one bad row never sinks the other 99.
    if (DataError.isInstance(error) && error.status === 400 && batch.length > 1) {
      const middle = Math.ceil(batch.length / 2);
      await sendBatch(remote, write, batch.slice(0, middle), result);
      await sendBatch(remote, write, batch.slice(middle), result);
      return;
    }
    const rowLevel = DataError.isInstance(error) || error.kind === 'transient' || error.kind === 'rate-limited';
    if (!rowLevel) throw error;
    const note = !idProperty && error.kind !== 'data' ? ' (a create is never retried, so it cannot duplicate: check HubSpot before sending these rows again)' : '';
    for (const entry of batch) result.failed.push({ index: entry.index, row: entry.row, reason: `${error.message}${note}`, ...(error.code ? { code: error.code } : {}) });
    return;
  }
  const outcome = mapBatchAnswer(batch, answer, idProperty);
  result.created += outcome.created;
  result.updated += outcome.updated;
  result.written += outcome.created + outcome.updated;
  result.failed.push(...outcome.failed);
}
