import type { Row, Value } from '@automl/connector-core';
import type { PipedriveEntity } from './pipedrive-entities.js';
import type { PipedriveFieldCatalog } from './pipedrive-field-catalog.js';

/** A v2 email or phone entry. */
interface ContactItem {
  value?: string;
  primary?: boolean;
  label?: string;
}

/** The standard columns of each entity, in the order rows carry them. */
export const standardColumns: Record<PipedriveEntity, readonly string[]> = {
  persons: [
    'id',
    'name',
    'first_name',
    'last_name',
    'email',
    'emails',
    'phone',
    'phones',
    'org_id',
    'owner_id',
    'job_title',
    'label_ids',
    'visible_to',
    'add_time',
    'update_time',
  ],
  organizations: ['id', 'name', 'owner_id', 'address', 'label_ids', 'visible_to', 'add_time', 'update_time'],
  deals: [
    'id',
    'title',
    'value',
    'currency',
    'status',
    'person_id',
    'org_id',
    'owner_id',
    'pipeline_id',
    'stage_id',
    'probability',
    'expected_close_date',
    'add_time',
    'update_time',
  ],
  activities: ['id', 'subject', 'type', 'done', 'due_date', 'owner_id', 'deal_id', 'person_id', 'org_id', 'add_time', 'update_time'],
  products: ['id', 'name', 'code', 'description', 'unit', 'tax', 'category', 'owner_id', 'add_time', 'update_time'],
};

/** The primary entry's value, else the first one's. */
export function primaryValue(items: unknown): string | null {
  if (!Array.isArray(items) || items.length === 0) return null;
  const list = items as ContactItem[];
  return (list.find((item) => item.primary) ?? list[0])?.value ?? null;
}

/** Every email of a v2 person, lower-cased: the keys it can be matched by. */
export function personEmails(record: { emails?: unknown }): string[] {
  if (!Array.isArray(record.emails)) return [];
  return (record.emails as ContactItem[]).map((item) => item.value?.trim().toLowerCase() ?? '').filter(Boolean);
}

const toValue = (value: unknown): Value => {
  if (value === undefined) return null;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return value as Value;
};

type CustomPlan = { key: string; column: string; read: (raw: unknown) => unknown };

/**
 * The converter of one entity's v2 records into rows, planned once per read: standard fields under
 * their keys; `email` / `phone` hold the primary value and `emails` / `phones` every value (a list
 * of strings), so a model gets one column and nothing is lost; custom fields under their names,
 * option ids as labels, monetary and ranged values as their main value.
 */
export function recordConverter(
  entity: PipedriveEntity,
  catalog: PipedriveFieldCatalog,
  columns?: ReadonlySet<string>,
): (record: Record<string, unknown>) => Row {
  const wanted = (column: string) => !columns || columns.has(column);
  const standard = standardColumns[entity].filter(wanted);
  const custom: CustomPlan[] = [];
  for (const field of catalog.customFields()) {
    const column = catalog.columnOf(field.key);
    if (!wanted(column)) continue;
    const labels = new Map((field.options ?? []).map((option) => [String(option.id), option.label]));
    const label = (id: unknown) => labels.get(String(id)) ?? (id as string | number);
    let read: (raw: unknown) => unknown;
    if (field.field_type === 'enum') read = label;
    else if (field.field_type === 'set') read = (raw) => (Array.isArray(raw) ? raw : String(raw).split(',')).map(label);
    else read = (raw) => (typeof raw === 'object' && !Array.isArray(raw) && 'value' in (raw as object) ? (raw as { value: unknown }).value : raw);
    custom.push({ key: field.key, column, read });
  }
  // One reader per standard column, chosen once: the per-record loop does no string comparisons.
  const readers = standard.map((column): [string, (record: Record<string, unknown>) => Value] => {
    if (column === 'email' || column === 'phone') return [column, (record) => primaryValue(record[`${column}s`])];
    if (column === 'emails' || column === 'phones')
      return [column, (record) => (Array.isArray(record[column]) ? (record[column] as ContactItem[]).map((item) => item.value ?? '') : [])];
    if (column === 'address')
      return [
        column,
        (record) => toValue(record.address && typeof record.address === 'object' ? (record.address as { value?: unknown }).value : record.address),
      ];
    return [column, (record) => toValue(record[column])];
  });
  return (record) => {
    const row: Row = {};
    for (const [column, read] of readers) row[column] = read(record);
    const values = (record.custom_fields ?? {}) as Record<string, unknown>;
    for (const plan of custom) {
      const raw = values[plan.key];
      row[plan.column] = raw === null || raw === undefined ? null : toValue(plan.read(raw));
    }
    return row;
  };
}

/** One v2 record as a row (see recordConverter; plan once and reuse it for many records). */
export function convertPipedriveRecord(
  entity: PipedriveEntity,
  record: Record<string, unknown>,
  catalog: PipedriveFieldCatalog,
  columns?: ReadonlySet<string>,
): Row {
  return recordConverter(entity, catalog, columns)(record);
}
