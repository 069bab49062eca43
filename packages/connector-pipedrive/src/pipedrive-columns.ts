import type { ColumnSchema, ColumnType } from '@automl/connector-core';
import { standardColumns } from './convert-pipedrive-record.js';
import type { PipedriveEntity } from './pipedrive-entities.js';
import type { PipedriveFieldCatalog } from './pipedrive-field-catalog.js';

const standardTypes: Record<string, ColumnType> = {
  id: 'integer',
  org_id: 'integer',
  owner_id: 'integer',
  person_id: 'integer',
  pipeline_id: 'integer',
  stage_id: 'integer',
  visible_to: 'integer',
  emails: 'json',
  phones: 'json',
  label_ids: 'json',
  add_time: 'datetime',
  update_time: 'datetime',
  value: 'number',
  probability: 'number',
  expected_close_date: 'date',
  deal_id: 'integer',
  due_date: 'date',
  done: 'boolean',
  tax: 'number',
};

/** The column type of a Pipedrive field type (custom fields). */
export function columnTypeOf(fieldType: string): ColumnType {
  switch (fieldType) {
    case 'double':
    case 'monetary':
      return 'number';
    case 'int':
    case 'org':
    case 'people':
    case 'user':
      return 'integer';
    case 'date':
    case 'daterange':
      return 'date';
    case 'set':
      return 'json';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}

/** Where a lead's column differs from the others: a UUID id, `visible_to` as a string ("3"). */
const leadTypes: Record<string, ColumnType> = {
  id: 'string',
  visible_to: 'string',
  organization_id: 'integer',
  creator_id: 'integer',
  next_activity_id: 'integer',
  channel: 'integer',
  is_archived: 'boolean',
  was_seen: 'boolean',
};

/** The columns of an entity as rows carry them: standard ones first, then custom fields under their names. */
export function describeColumns(entity: PipedriveEntity, catalog: PipedriveFieldCatalog): ColumnSchema[] {
  const columns: ColumnSchema[] = standardColumns[entity].map((name) => ({
    name,
    type: (entity === 'leads' ? leadTypes[name] : undefined) ?? standardTypes[name] ?? 'string',
    sourceType: name === 'email' || name === 'phone' ? 'primary value' : (catalog.field(name)?.field_type ?? name),
    nullable: name !== 'id',
  }));
  for (const field of catalog.customFields()) {
    columns.push({ name: catalog.columnOf(field.key), type: columnTypeOf(field.field_type), sourceType: field.field_type, nullable: true });
  }
  return columns;
}
