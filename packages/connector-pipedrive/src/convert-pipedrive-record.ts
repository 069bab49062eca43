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
  persons: ['id', 'name', 'first_name', 'last_name', 'email', 'emails', 'phone', 'phones', 'org_id', 'owner_id', 'job_title', 'label_ids', 'visible_to', 'add_time', 'update_time'],
  organizations: ['id', 'name', 'owner_id', 'address', 'label_ids', 'visible_to', 'add_time', 'update_time'],
  deals: ['id', 'title', 'value', 'currency', 'status', 'person_id', 'org_id', 'owner_id', 'pipeline_id', 'stage_id', 'probability', 'expected_close_date', 'add_time', 'update_time'],
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

/**
 * One v2 record as a row: standard fields under their keys; `email` / `phone` hold the primary
 * value and `emails` / `phones` every value (a list of strings), so a model gets one column and
 * nothing is lost; custom fields under their names, option ids as labels, monetary and ranged
 * values as their main value.
 */
export function convertPipedriveRecord(entity: PipedriveEntity, record: Record<string, unknown>, catalog: PipedriveFieldCatalog, columns?: ReadonlySet<string>): Row {
  const row: Row = {};
  const put = (column: string, value: unknown) => {
    if (!columns || columns.has(column)) row[column] = toValue(value);
  };
  for (const column of standardColumns[entity]) {
    if (column === 'email' || column === 'phone') put(column, primaryValue(record[`${column}s`]));
    else if (column === 'emails' || column === 'phones') put(column, Array.isArray(record[column]) ? (record[column] as ContactItem[]).map((item) => item.value ?? '') : []);
    else if (column === 'address' && record.address && typeof record.address === 'object') put(column, (record.address as { value?: unknown }).value ?? null);
    else put(column, record[column]);
  }
  const custom = (record.custom_fields ?? {}) as Record<string, unknown>;
  for (const field of catalog.customFields()) {
    const raw = custom[field.key];
    let value: unknown = raw ?? null;
    if (raw !== null && raw !== undefined) {
      if (field.field_type === 'enum') value = catalog.optionLabel(field, raw);
      else if (field.field_type === 'set') value = (Array.isArray(raw) ? raw : String(raw).split(',')).map((id) => catalog.optionLabel(field, id));
      else if (typeof raw === 'object' && !Array.isArray(raw) && 'value' in (raw as object)) value = (raw as { value: unknown }).value;
    }
    put(catalog.columnOf(field.key), value);
  }
  return row;
}
