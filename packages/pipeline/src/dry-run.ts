import type { Row } from '@automl/connector-core';
import type { PipelineReport } from './pipeline-report.js';

const sampleSize = 5;

const same = (left: unknown, right: unknown) => {
  if (left === right) return true;
  if (typeof left === 'number' || typeof right === 'number')
    return Number(left) === Number(right) && left !== null && right !== null && left !== '' && right !== '';
  return String(left ?? '') === String(right ?? '');
};

/**
 * What a write would do to the destination, without writing: rows whose key is not there are
 * created, rows whose written fields all equal the stored ones are left unchanged, the rest updated.
 * Keys compare case-insensitively for emails, as CRMs match them.
 */
export function planWrite(rows: readonly Row[], existing: readonly Row[], keyColumn: string): PipelineReport['destination'] {
  const normalise = (value: unknown) => {
    const text = String(value ?? '').trim();
    return keyColumn.toLowerCase().includes('email') ? text.toLowerCase() : text;
  };
  const stored = new Map<string, Row>();
  for (const row of existing) stored.set(normalise(row[keyColumn]), row);
  const planned: PipelineReport['destination'] = { created: 0, updated: 0, unchanged: 0, failed: [], sample: [] };
  const seen = new Map<string, Row>();
  rows.forEach((row, index) => {
    const key = normalise(row[keyColumn]);
    if (!key) {
      planned.failed.push({ index, reason: `The row has no ${keyColumn}, which the write matches records on.` });
      return;
    }
    seen.set(key, row);
  });
  for (const [key, row] of seen) {
    const before = stored.get(key);
    const after = Object.fromEntries(Object.entries(row).filter(([column]) => column !== keyColumn));
    if (!before) {
      planned.created += 1;
      if ((planned.sample?.length ?? 0) < sampleSize) planned.sample?.push({ key, action: 'create', after });
      continue;
    }
    const changed = Object.entries(after).filter(([column, value]) => !same(before[column], value));
    if (changed.length === 0) {
      planned.unchanged = (planned.unchanged ?? 0) + 1;
      continue;
    }
    planned.updated += 1;
    if ((planned.sample?.length ?? 0) < sampleSize) {
      planned.sample?.push({
        key,
        action: 'update',
        before: Object.fromEntries(changed.map(([column]) => [column, before[column] ?? null])),
        after: Object.fromEntries(changed),
      });
    }
  }
  return planned;
}
