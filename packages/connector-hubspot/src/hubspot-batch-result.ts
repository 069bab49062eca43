import type { Row, RowFailure } from '@automl/connector-core';

/** One input row of a batch: its position in the caller's input, the row, what is sent, and its upsert key. */
export interface PendingRow {
  index: number;
  row: Row;
  properties: Record<string, string>;
  /** The idProperty value, normalised as HubSpot matches it (email: trimmed, lower case). */
  key?: string;
}

/** The parts of a batch answer (200 or 207) the mapping reads; the SDK's response classes have this shape. */
export interface BatchAnswer {
  results: Array<{ id: string; properties?: Record<string, string | null>; objectWriteTraceId?: string; _new?: boolean }>;
  errors?: Array<{ message?: string; category?: string; context?: Record<string, string[]> }>;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  failed: RowFailure[];
}

export function normaliseKey(idProperty: string, value: string): string {
  return idProperty === 'email' ? value.trim().toLowerCase() : value;
}

/**
 * Accounts for every row of one batch from HubSpot's answer. Each input carries its position as
 * `objectWriteTraceId`, which HubSpot echoes in results and in the context of per-input errors, so
 * a failure names the exact input row; upsert answers are also matched by their idProperty value.
 * A row the answer does not mention is reported failed, never counted as written.
 */
export function mapBatchAnswer(batch: readonly PendingRow[], answer: BatchAnswer, idProperty: string | undefined): BatchOutcome {
  const byTrace = new Map(batch.map((entry) => [String(entry.index), entry]));
  const byKey = new Map(batch.filter((entry) => entry.key !== undefined).map((entry) => [entry.key!, entry]));
  const settled = new Set<PendingRow>();
  const outcome: BatchOutcome = { created: 0, updated: 0, failed: [] };

  const find = (trace: string | undefined, keys: readonly string[]): PendingRow[] => {
    const byTraceEntry = trace === undefined ? undefined : byTrace.get(trace);
    if (byTraceEntry) return [byTraceEntry];
    if (!idProperty) return [];
    return keys.map((key) => byKey.get(normaliseKey(idProperty, key))).filter((entry): entry is PendingRow => entry !== undefined);
  };

  for (const result of answer.results) {
    const key = idProperty ? result.properties?.[idProperty] : undefined;
    const [entry] = find(result.objectWriteTraceId, key ? [key] : []);
    if (!entry || settled.has(entry)) continue;
    settled.add(entry);
    if (result._new === false) outcome.updated += 1;
    else outcome.created += 1;
  }

  const unattributed: string[] = [];
  for (const error of answer.errors ?? []) {
    const context = error.context ?? {};
    const traces = context.objectWriteTraceId ?? [];
    const keys = [...(context.ids ?? []), ...(idProperty ? (context[idProperty] ?? []) : [])];
    const entries = traces.length > 0 ? traces.flatMap((trace) => find(trace, [])) : find(undefined, keys);
    const reason = error.message ?? 'HubSpot reported an error for this row';
    if (entries.length === 0) unattributed.push(reason);
    for (const entry of entries) {
      if (settled.has(entry)) continue;
      settled.add(entry);
      outcome.failed.push({ index: entry.index, row: entry.row, reason, ...(error.category ? { code: error.category } : {}) });
    }
  }

  // Creates whose answer carries neither trace ids nor keys: HubSpot returns results in input order.
  const unsettled = batch.filter((entry) => !settled.has(entry));
  const untraced = answer.results.filter((result) => result.objectWriteTraceId === undefined && !(idProperty && result.properties?.[idProperty]));
  if (!idProperty && (answer.errors ?? []).length === 0 && untraced.length === unsettled.length) {
    for (const entry of unsettled) settled.add(entry);
    outcome.created += unsettled.length;
    return outcome;
  }
  for (const entry of unsettled) {
    outcome.failed.push({
      index: entry.index,
      row: entry.row,
      reason: unattributed.length > 0 ? unattributed.join('; ') : 'HubSpot returned no result for this row',
      code: 'UNCONFIRMED',
    });
  }
  return outcome;
}
