import type { PipedriveCompany } from './pipedrive-company.js';
import { isCustomFieldKey, type PipedriveEntity, type PipedriveField } from './pipedrive-fields.js';

/** Top-level keys v2 accepts on create / update (`AddPersonRequest`, `AddOrganizationRequest`, `AddDealRequest`). */
const writableKeys: Record<PipedriveEntity, Record<string, 'string' | 'integer' | 'number' | 'boolean' | 'contacts' | 'integers' | 'object' | 'date'>> = {
  persons: {
    name: 'string',
    owner_id: 'integer',
    org_id: 'integer',
    add_time: 'date',
    emails: 'contacts',
    phones: 'contacts',
    visible_to: 'integer',
    label_ids: 'integers',
    postal_address: 'object',
    notes: 'string',
    im: 'contacts',
    birthday: 'string',
    job_title: 'string',
    marketing_status: 'string',
  },
  organizations: { name: 'string', owner_id: 'integer', add_time: 'date', visible_to: 'integer', label_ids: 'integers', address: 'object' },
  deals: {
    title: 'string',
    owner_id: 'integer',
    person_id: 'integer',
    org_id: 'integer',
    pipeline_id: 'integer',
    stage_id: 'integer',
    value: 'number',
    currency: 'string',
    add_time: 'date',
    status: 'string',
    probability: 'number',
    expected_close_date: 'string',
    visible_to: 'integer',
    label_ids: 'integers',
  },
  activities: {
    subject: 'string',
    type: 'string',
    owner_id: 'integer',
    deal_id: 'integer',
    person_id: 'integer',
    org_id: 'integer',
    due_date: 'string',
    done: 'boolean',
  },
  products: {
    name: 'string',
    code: 'string',
    description: 'string',
    unit: 'string',
    tax: 'number',
    category: 'string',
    owner_id: 'integer',
    visible_to: 'integer',
  },
};

const requiredOnCreate: Record<PipedriveEntity, string> = { persons: 'name', organizations: 'name', deals: 'title', activities: 'subject', products: 'name' };

export interface ValidatedBody {
  values: Record<string, unknown>;
  custom: Record<string, unknown>;
}

/**
 * Checks a v2 create or update body the way v2 does (migration guide: no type coercion, booleans
 * only true/false, RFC 3339 dates): unknown keys, wrong types, unknown custom field hashes, enum
 * values that are not option ids, and `[]` for a multi-option field are refused.
 */
export function validateWriteBody(company: PipedriveCompany, entity: PipedriveEntity, body: unknown, creating: boolean): ValidatedBody | string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['body must be a JSON object'];
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  const allowed = writableKeys[entity];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'custom_fields') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push('custom_fields must be an object');
        continue;
      }
      for (const [hash, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        const field = isCustomFieldKey(hash) ? company.customFields(entity).find((candidate) => candidate.key === hash) : undefined;
        if (!field) problems.push(`custom_fields.${hash} is not a custom field`);
        else {
          const problem = checkCustomValue(field, fieldValue);
          if (problem) problems.push(`custom_fields.${hash} ${problem}`);
          else custom[hash] = fieldValue;
        }
      }
      continue;
    }
    const type = allowed[key];
    if (!type) {
      problems.push(`${key} is not allowed`);
      continue;
    }
    const problem = value === null ? undefined : checkType(type, value);
    if (problem) problems.push(`${key} ${problem}`);
    else values[key] = type === 'contacts' ? normaliseContacts(value as Array<Record<string, unknown>>) : value;
  }
  const required = requiredOnCreate[entity];
  if (creating && (typeof values[required] !== 'string' || (values[required] as string).trim() === '')) problems.push(`${required} is required`);
  if (!creating && required in values && (typeof values[required] !== 'string' || (values[required] as string).trim() === ''))
    problems.push(`${required} cannot be empty`);
  return problems.length > 0 ? problems : { values, custom };
}

function checkType(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'integers':
      return Array.isArray(value) && value.every((item) => Number.isInteger(item)) ? undefined : 'must be an array of integers';
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be an object';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
        ? undefined
        : 'must be an RFC 3339 date-time';
    case 'contacts':
      if (!Array.isArray(value)) return 'must be an array of objects';
      for (const item of value) {
        if (item === null || typeof item !== 'object' || typeof (item as { value?: unknown }).value !== 'string')
          return 'items must be objects with a string value';
        const { primary, label } = item as { primary?: unknown; label?: unknown };
        if (primary !== undefined && typeof primary !== 'boolean') return 'items.primary must be a boolean';
        if (label !== undefined && typeof label !== 'string') return 'items.label must be a string';
      }
      return undefined;
    default:
      return undefined;
  }
}

function checkCustomValue(field: PipedriveField, value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (field.field_type) {
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'enum':
      return Number.isInteger(value) && field.options?.some((option) => option.id === value) ? undefined : 'must be the id of one of the field options';
    case 'set':
      if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty array of option ids (null clears it)';
      return value.every((item) => field.options?.some((option) => option.id === item)) ? undefined : 'must hold ids of the field options';
    case 'varchar':
    case 'varchar_auto':
    case 'text':
    case 'phone':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'must be a date (YYYY-MM-DD)';
    case 'monetary':
      return typeof value === 'object' && typeof (value as { value?: unknown }).value === 'number' ? undefined : 'must be an object { value, currency }';
    default:
      return undefined;
  }
}

/** v2 makes the first entry primary when none is, and labels entries `work` by default. */
function normaliseContacts(items: Array<Record<string, unknown>>): Array<{ value: string; primary: boolean; label: string }> {
  const hasPrimary = items.some((item) => item.primary === true);
  return items.map((item, index) => ({
    value: String(item.value),
    primary: hasPrimary ? item.primary === true : index === 0,
    label: typeof item.label === 'string' ? item.label : 'work',
  }));
}
