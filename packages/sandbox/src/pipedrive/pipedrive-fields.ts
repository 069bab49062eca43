import { createHash } from 'node:crypto';

/** The entities the emulator serves: v2 list/get/create/update/search, and v1 `<entity>Fields`. */
export const pipedriveEntities = ['persons', 'organizations', 'deals', 'activities', 'products'] as const;
export type PipedriveEntity = (typeof pipedriveEntities)[number];

/** The v1 `fieldsPath` of each entity: `GET /v1/personFields`... */
export const fieldsPathOf: Record<PipedriveEntity, string> = {
  persons: 'personFields',
  organizations: 'organizationFields',
  deals: 'dealFields',
  activities: 'activityFields',
  products: 'productFields',
};

/** Field types a custom field may be created with (`CreateFieldRequest.field_type` of the v1 spec). */
export const creatableFieldTypes = new Set([
  'address',
  'date',
  'daterange',
  'double',
  'enum',
  'monetary',
  'org',
  'people',
  'phone',
  'set',
  'text',
  'time',
  'timerange',
  'user',
  'varchar',
  'varchar_auto',
  'visible_to',
]);

export interface FieldOption {
  id: number;
  label: string;
}

/** One field as `GET /v1/personFields` returns it (the `Field` model, trimmed to what clients read). */
export interface PipedriveField {
  id: number;
  /** A standard field's name (`email`), or a custom field's 40-character hash. */
  key: string;
  name: string;
  order_nr: number;
  field_type: string;
  add_time: string;
  update_time: string | null;
  active_flag: boolean;
  /** True for custom fields: the ones the API lets a user edit and delete. */
  edit_flag: boolean;
  index_visible_flag: boolean;
  details_visible_flag: boolean;
  add_visible_flag: boolean;
  important_flag: boolean;
  bulk_edit_allowed: boolean;
  searchable_flag: boolean;
  filtering_allowed: boolean;
  sortable_flag: boolean;
  mandatory_flag: boolean;
  options?: FieldOption[] | null;
}

/** Standard fields, [key, name, type]: the part of Pipedrive's default field lists that v2 records carry. */
const standardFields: Record<PipedriveEntity, Array<[string, string, string]>> = {
  persons: [
    ['id', 'ID', 'int'],
    ['name', 'Name', 'varchar'],
    ['first_name', 'First name', 'varchar'],
    ['last_name', 'Last name', 'varchar'],
    ['org_id', 'Organization', 'org'],
    ['owner_id', 'Owner', 'user'],
    ['email', 'Email', 'varchar'],
    ['phone', 'Phone', 'phone'],
    ['label_ids', 'Labels', 'set'],
    ['job_title', 'Job title', 'varchar'],
    ['visible_to', 'Visible to', 'visible_to'],
    ['add_time', 'Person created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
  organizations: [
    ['id', 'ID', 'int'],
    ['name', 'Name', 'varchar'],
    ['owner_id', 'Owner', 'user'],
    ['address', 'Address', 'address'],
    ['label_ids', 'Labels', 'set'],
    ['visible_to', 'Visible to', 'visible_to'],
    ['add_time', 'Organization created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
  deals: [
    ['id', 'ID', 'int'],
    ['title', 'Title', 'varchar'],
    ['value', 'Value', 'monetary'],
    ['currency', 'Currency', 'varchar'],
    ['person_id', 'Contact person', 'people'],
    ['org_id', 'Organization', 'org'],
    ['owner_id', 'Owner', 'user'],
    ['pipeline_id', 'Pipeline', 'double'],
    ['stage_id', 'Stage', 'stage'],
    ['status', 'Status', 'status'],
    ['probability', 'Probability', 'double'],
    ['expected_close_date', 'Expected close date', 'date'],
    ['add_time', 'Deal created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
  activities: [
    ['id', 'ID', 'int'],
    ['subject', 'Subject', 'varchar'],
    ['type', 'Type', 'varchar'],
    ['owner_id', 'Assigned to user', 'user'],
    ['deal_id', 'Deal', 'deal'],
    ['person_id', 'Contact person', 'people'],
    ['org_id', 'Organization', 'org'],
    ['due_date', 'Due date', 'date'],
    ['done', 'Done', 'boolean'],
    ['add_time', 'Add time', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
  products: [
    ['id', 'ID', 'int'],
    ['name', 'Name', 'varchar'],
    ['code', 'Product code', 'varchar'],
    ['description', 'Description', 'text'],
    ['unit', 'Unit', 'varchar'],
    ['tax', 'Tax', 'double'],
    ['category', 'Category', 'enum'],
    ['owner_id', 'Owner', 'user'],
    ['add_time', 'Add time', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
};

export function buildField(
  id: number,
  orderNr: number,
  key: string,
  name: string,
  fieldType: string,
  custom: boolean,
  now: string,
  options?: FieldOption[],
): PipedriveField {
  return {
    id,
    key,
    name,
    order_nr: orderNr,
    field_type: fieldType,
    add_time: now.slice(0, 19).replace('T', ' '),
    update_time: null,
    active_flag: true,
    edit_flag: custom,
    index_visible_flag: true,
    details_visible_flag: true,
    add_visible_flag: true,
    important_flag: false,
    bulk_edit_allowed: true,
    searchable_flag: custom && ['varchar', 'text', 'varchar_auto'].includes(fieldType),
    filtering_allowed: true,
    sortable_flag: true,
    mandatory_flag: key === 'name' || key === 'title' || key === 'subject',
    ...(fieldType === 'enum' || fieldType === 'set' ? { options: options ?? [] } : {}),
  };
}

export function defaultFields(entity: PipedriveEntity, firstId: number, now: string): PipedriveField[] {
  return standardFields[entity].map(([key, name, type], index) => buildField(firstId + index, index, key, name, type, false, now));
}

/**
 * A custom field's key: Pipedrive documents "randomly generated 40-character hashes" that differ
 * per account. Derived from the company and a counter so a run is reproducible.
 */
export function customFieldKey(companyId: number, entity: PipedriveEntity, serial: number): string {
  return createHash('sha1').update(`${companyId}:${entity}:${serial}`).digest('hex');
}

export const isCustomFieldKey = (key: string): boolean => /^[0-9a-f]{40}$/.test(key);
