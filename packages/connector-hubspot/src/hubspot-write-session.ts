import { ConnectorError, DataError, estimateBytes, type BatchEntry, type BatchOutcome, type ConnectorContext, type WriteSession } from '@automl/connector-core';
import { toHubSpotProperties } from './convert-hubspot-record.js';
import type { HubSpotAnswer } from './hubspot-api-request.js';
import { mapBatchAnswer, normaliseKey, type BatchAnswer, type PendingRow } from './hubspot-batch-result.js';
import type { BatchInput, HubSpotApis } from './hubspot-client.js';
import { quotaFromHeaders } from './hubspot-rate-limit-headers.js';

/** One write into an object type, resolved by the connector. */
export interface HubSpotWrite {
  apis: HubSpotApis;
  objectType: string;
  /** The unique property an upsert matches records on; undefined for creates. */
  idProperty: string | undefined;
  /** Runs before each batch is sent: creates the properties its rows use, when the caller asked for it. */
  beforeBatch?: ((rows: PendingRow['row'][]) => Promise<void>) | undefined;
}

/** What is sent for one row: its properties, and its upsert key (normalised as HubSpot matches it). */
interface HubSpotPayload {
  properties: Record<string, string>;
}

/**
 * A write as core's loop drives it: core batches the rows by 100, never has two batches naming one
 * key in flight, runs four at once and accounts for every row; this session sends one batch per
 * call. Upserts (keyed on idProperty) are retried by the policy; creates never are.
 */
export function beginHubSpotWrite(write: HubSpotWrite): WriteSession<HubSpotPayload> {
  const { idProperty } = write;
  return {
    destination: write.objectType,
    prepare: (row) => {
      const properties = toHubSpotProperties(row);
      if (!idProperty) return { payload: { properties } };
      const value = properties[idProperty];
      if (!value) return { failure: { reason: `The row has no ${idProperty}, which the upsert matches records on.`, code: 'MISSING_ID_PROPERTY' } };
      return { payload: { properties }, key: normaliseKey(idProperty, value) };
    },
    writeBatch: async (batch, context) => {
      if (write.beforeBatch) await write.beforeBatch(batch.map((entry) => entry.row));
      const outcome: Required<Omit<BatchOutcome, 'stop'>> = { created: 0, updated: 0, failed: [] };
      await sendBatch(write, batch.map(toPending), context, outcome);
      return outcome;
    },
  };
}

function toPending(entry: BatchEntry<HubSpotPayload>): PendingRow {
  return { index: entry.index, row: entry.row, properties: entry.payload.properties, ...(entry.key !== undefined ? { key: entry.key } : {}) };
}

/**
 * Sends one batch through the policy and accounts for each of its rows in `outcome`. Every input
 * carries its input index as `objectWriteTraceId`, so per-row answers map back to rows.
 *
 * An attempt the policy abandons (timed out) is not aborted: a request HubSpot has received is
 * applied whether or not the client still listens, so cancelling it would only hide when it lands.
 * The batch therefore ends only when every attempt it sent has been answered, and core sends no
 * later batch naming its keys before that: a late upsert can never overwrite a later row's values.
 * An answer that arrives for an abandoned attempt is used too (a create that landed is reported as
 * created, not failed). The caller's cancel does abort the requests.
 */
async function sendBatch(write: HubSpotWrite, batch: PendingRow[], context: ConnectorContext, outcome: Required<Omit<BatchOutcome, 'stop'>>): Promise<void> {
  const { apis, objectType, idProperty } = write;
  const inputs: BatchInput[] = batch.map((entry) =>
    idProperty
      ? { properties: entry.properties, objectWriteTraceId: String(entry.index), idProperty, id: entry.properties[idProperty]! }
      : { properties: entry.properties, objectWriteTraceId: String(entry.index), associations: [] },
  );
  const attempts: Array<Promise<HubSpotAnswer<BatchAnswer> | undefined>> = [];
  let answer: HubSpotAnswer<BatchAnswer> | undefined;
  try {
    try {
      answer = await context.call(
        'writeCrmData',
        () => {
          const attempt = apis.batchWrite(objectType, idProperty ? 'upsert' : 'create', inputs, context.signal);
          attempts.push(attempt.catch(() => undefined));
          return attempt;
        },
        { idempotent: idProperty !== undefined },
      );
    } finally {
      // Nothing more is sent for these keys until every attempt of this batch has been answered.
      const settled = await Promise.all(attempts);
      answer ??= settled.findLast((landed) => landed !== undefined);
    }
  } catch (error) {
    if (answer === undefined) return handleFailure(write, batch, context, outcome, error);
  }
  if (!answer) return;
  const quota = quotaFromHeaders(answer.headers);
  if (quota) context.observeServerQuota(quota);
  context.recordBytes('write', estimateBytes(batch.map((entry) => entry.properties)));
  const mapped = mapBatchAnswer(batch, answer.data, idProperty);
  outcome.created += mapped.created;
  outcome.updated += mapped.updated;
  outcome.failed.push(...mapped.failed.map(({ index, reason, code }) => ({ index, reason, ...(code ? { code } : {}) })));
}

async function handleFailure(
  write: HubSpotWrite,
  batch: PendingRow[],
  context: ConnectorContext,
  outcome: Required<Omit<BatchOutcome, 'stop'>>,
  error: unknown,
): Promise<void> {
  if (!ConnectorError.isInstance(error)) throw error;
  // A 400 for the whole batch (HubSpot validates some batches all-or-nothing): halve it until the
  // bad rows stand alone, so one bad row never sinks the other 99.
  if (DataError.isInstance(error) && error.status === 400 && error.code !== 'PROPERTY_DOESNT_EXIST' && batch.length > 1) {
    const middle = Math.ceil(batch.length / 2);
    await sendBatch(write, batch.slice(0, middle), context, outcome);
    await sendBatch(write, batch.slice(middle), context, outcome);
    return;
  }
  // Credentials, permission, quota, not found: core stops the write and accounts for the rest.
  const rowLevel = DataError.isInstance(error) || error.kind === 'transient' || error.kind === 'rate-limited';
  if (!rowLevel) throw error;
  const note =
    !write.idProperty && error.kind !== 'data' ? ' (a create is never retried, so it cannot duplicate: check HubSpot before sending these rows again)' : '';
  for (const entry of batch) outcome.failed.push({ index: entry.index, reason: `${error.message}${note}`, ...(error.code ? { code: error.code } : {}) });
}
