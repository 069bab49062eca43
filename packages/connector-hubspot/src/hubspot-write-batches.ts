import { ConnectorError, DataError, estimateBytes, iterateRows, type Row, type RowsInput, type WriteResult } from '@automl/connector-core';
import { toHubSpotProperties } from './convert-hubspot-record.js';
import { mapBatchAnswer, normaliseKey, type BatchAnswer, type PendingRow } from './hubspot-batch-result.js';
import type { HubSpotApis } from './hubspot-client.js';
import { hubSpotPageLimit } from './hubspot-limits.js';
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
 * Streams the rows into batches of 100 (memory holds one batch), sends each, and accounts for
 * every row in `result`: written (created or updated) or failed with its input index and reason.
 */
export async function writeHubSpotBatches(remote: HubSpotRemoteContext, rows: RowsInput, write: HubSpotBatchWrite, result: HubSpotWriteResult): Promise<void> {
  const { idProperty } = write;
  let batch: PendingRow[] = [];
  let keys = new Set<string>();
  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    keys = new Set();
    if (write.beforeBatch) await write.beforeBatch(sending.map((entry) => entry.row));
    await sendBatch(remote, write, sending, result);
  };

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
