import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import type { PipedriveCompany, PipedriveRecord } from './pipedrive-company.js';
import { invalidPayload, pipedriveError } from './pipedrive-error-bodies.js';
import { type PipedriveEntity, pipedriveEntities } from './pipedrive-fields.js';
import { validateWriteBody } from './pipedrive-validate-body.js';

export interface EntityRouteOptions {
  /** Most items one v2 page returns (Pipedrive: 500). */
  pageSizeMax: number;
}

const singular: Record<PipedriveEntity, string> = {
  persons: 'Person',
  organizations: 'Organization',
  deals: 'Deal',
  activities: 'Activity',
  products: 'Product',
};

/** Standard keys each entity's v2 record carries, in the order Pipedrive lists them. */
const recordKeys: Record<PipedriveEntity, string[]> = {
  persons: [
    'name',
    'first_name',
    'last_name',
    'owner_id',
    'org_id',
    'add_time',
    'update_time',
    'emails',
    'phones',
    'is_deleted',
    'visible_to',
    'label_ids',
    'picture_id',
    'job_title',
  ],
  organizations: ['name', 'owner_id', 'add_time', 'update_time', 'is_deleted', 'visible_to', 'label_ids', 'address'],
  deals: [
    'title',
    'owner_id',
    'person_id',
    'org_id',
    'pipeline_id',
    'stage_id',
    'value',
    'currency',
    'add_time',
    'update_time',
    'status',
    'probability',
    'expected_close_date',
    'is_deleted',
    'visible_to',
    'label_ids',
  ],
  activities: ['subject', 'type', 'owner_id', 'deal_id', 'person_id', 'org_id', 'due_date', 'done', 'add_time', 'update_time', 'is_deleted'],
  products: ['name', 'code', 'description', 'unit', 'tax', 'category', 'owner_id', 'is_deleted', 'visible_to', 'add_time', 'update_time'],
};

const defaults: Record<string, unknown> = {
  owner_id: 1,
  visible_to: 3,
  label_ids: [],
  is_deleted: false,
  picture_id: null,
  org_id: null,
  person_id: null,
  pipeline_id: 1,
  stage_id: 1,
  value: 0,
  currency: 'EUR',
  status: 'open',
  type: 'call',
  done: false,
  deal_id: null,
  tax: 0,
};

const encodeCursor = (position: Record<string, number>): string => Buffer.from(JSON.stringify(position)).toString('base64url');
function decodeCursor(cursor: string): Record<string, number> | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, number>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The v2 entity endpoints (`/api/v2/persons`, `/organizations`, `/deals`, `/activities`, `/products`): list with cursor paging
 * and `updated_since`, get, create (POST), update (PATCH), and `GET /api/v2/persons/search`, with
 * the `{ success, data, additional_data }` envelope and custom field values under `custom_fields`.
 */
export function pipedriveEntityRoutes(company: PipedriveCompany, options: EntityRouteOptions): Route[] {
  const view = (entity: PipedriveEntity, record: PipedriveRecord, onlyCustom?: string[]): Record<string, unknown> => {
    const result: Record<string, unknown> = { id: record.id };
    for (const key of recordKeys[entity]) {
      if (key === 'add_time' || key === 'update_time') result[key] = record[key];
      else if (key === 'first_name' || key === 'last_name') {
        const [first, ...rest] = String(record.values.name ?? '').split(' ');
        result[key] = key === 'first_name' ? first || null : rest.join(' ') || null;
      } else result[key] = record.values[key] ?? defaults[key] ?? null;
    }
    const custom: Record<string, unknown> = {};
    for (const field of company.customFields(entity)) if (!onlyCustom || onlyCustom.includes(field.key)) custom[field.key] = record.custom[field.key] ?? null;
    result.custom_fields = custom;
    return result;
  };

  const parseId = (request: EmulatorRequest): number | undefined => {
    const id = Number(request.params.id);
    return Number.isInteger(id) && id > 0 ? id : undefined;
  };

  const parseLimit = (url: URL): number | EmulatorResponse => {
    const raw = url.searchParams.get('limit');
    if (raw === null) return 100;
    const limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > options.pageSizeMax)
      return pipedriveError(400, `Invalid parameter(s): limit must be an integer between 1 and ${options.pageSizeMax}`);
    return limit;
  };

  const parseTime = (url: URL, name: string): number | undefined | EmulatorResponse => {
    const raw = url.searchParams.get(name);
    if (raw === null) return undefined;
    const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(raw) ? Date.parse(raw) : Number.NaN;
    return Number.isNaN(parsed) ? pipedriveError(400, `Invalid parameter(s): ${name} must be an RFC 3339 date-time`) : parsed;
  };

  const list =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const limit = parseLimit(request.url);
      if (typeof limit !== 'number') return limit;
      const since = parseTime(request.url, 'updated_since');
      const until = parseTime(request.url, 'updated_until');
      if (typeof since === 'object') return since;
      if (typeof until === 'object') return until;
      const cursor = request.url.searchParams.get('cursor');
      let afterId = 0;
      if (cursor) {
        const position = decodeCursor(cursor);
        if (!position || !Number.isInteger(position.id)) return pipedriveError(400, 'Invalid parameter(s): cursor is invalid');
        afterId = position.id!;
      }
      const onlyCustom = request.url.searchParams.get('custom_fields')?.split(',').filter(Boolean);
      if (onlyCustom && onlyCustom.length > 15) return pipedriveError(400, 'Invalid parameter(s): custom_fields accepts at most 15 keys');
      const page = company.page(entity, afterId, limit, since, until);
      const last = page.records.at(-1);
      return {
        status: 200,
        body: {
          success: true,
          data: page.records.map((record) => view(entity, record, onlyCustom)),
          additional_data: { next_cursor: page.more && last ? encodeCursor({ id: last.id }) : null },
        },
      };
    };

  const get =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const id = parseId(request);
      const record = id === undefined ? undefined : company.get(entity, id);
      if (!record) return pipedriveError(404, `${singular[entity]} not found`);
      return { status: 200, body: { success: true, data: view(entity, record) } };
    };

  const create =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const checked = validateWriteBody(company, entity, request.body, true);
      if (Array.isArray(checked)) return invalidPayload(checked);
      const record = company.create(entity, checked.values, checked.custom);
      return { status: 200, body: { success: true, data: view(entity, record) } };
    };

  const update =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const id = parseId(request);
      if (id === undefined || !company.get(entity, id)) return pipedriveError(404, `${singular[entity]} not found`);
      const checked = validateWriteBody(company, entity, request.body, false);
      if (Array.isArray(checked)) return invalidPayload(checked);
      const record = company.update(entity, id, checked.values, checked.custom)!;
      return { status: 200, body: { success: true, data: view(entity, record) } };
    };

  const search = (request: EmulatorRequest): EmulatorResponse => {
    const term = request.url.searchParams.get('term') ?? '';
    const exact = request.url.searchParams.get('exact_match') === 'true';
    if (term.length < (exact ? 1 : 2)) return pipedriveError(400, 'Invalid parameter(s): term must be at least 2 characters (1 with exact_match)');
    const limit = parseLimit(request.url);
    if (typeof limit !== 'number') return limit;
    const fields = (request.url.searchParams.get('fields') ?? 'custom_fields,email,notes,phone,name').split(',');
    const offset = decodeCursor(request.url.searchParams.get('cursor') ?? '')?.offset ?? 0;
    const found = company.searchPersons(term, fields, exact);
    const items = found.slice(offset, offset + limit).map(({ record, indexed }) => ({
      result_score: 1,
      item: {
        id: record.id,
        type: 'person',
        name: indexed.name,
        phones: indexed.phones,
        emails: indexed.emails,
        visible_to: record.values.visible_to ?? 3,
        owner: { id: record.values.owner_id ?? 1 },
        organization: null,
        custom_fields: [],
        notes: [],
      },
    }));
    const more = offset + limit < found.length;
    return { status: 200, body: { success: true, data: { items }, additional_data: { next_cursor: more ? encodeCursor({ offset: offset + limit }) : null } } };
  };

  return [
    { method: 'GET', path: '/api/v2/persons/search', name: 'persons.search', handler: search },
    ...pipedriveEntities.flatMap((entity): Route[] => [
      { method: 'GET', path: `/api/v2/${entity}`, name: `${entity}.list`, handler: list(entity) },
      { method: 'POST', path: `/api/v2/${entity}`, name: `${entity}.create`, handler: create(entity) },
      { method: 'GET', path: `/api/v2/${entity}/:id`, name: `${entity}.get`, handler: get(entity) },
      { method: 'PATCH', path: `/api/v2/${entity}/:id`, name: `${entity}.update`, handler: update(entity) },
    ]),
  ];
}
