import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import type { PipedriveCompany } from './pipedrive-company.js';
import { invalidPayload, pipedriveError } from './pipedrive-error-bodies.js';
import { creatableFieldTypes, fieldsPathOf, type PipedriveEntity, pipedriveEntities } from './pipedrive-fields.js';

/**
 * The fields endpoints: v1 `GET /v1/personFields` (start/limit paging) and `POST` (a new custom
 * field with a fresh hash key), v2 `GET /api/v2/personFields` (cursor paging, `field_code`) and
 * `POST /api/v2/personFields/{field_code}/options` (options added to an enum or set field), and
 * the same for organizations and deals; plus v1 `GET /v1/users/me`, the call testConnection makes.
 */
export function pipedriveFieldRoutes(company: PipedriveCompany): Route[] {
  const listV1 =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const start = Number(request.url.searchParams.get('start') ?? 0);
      const limit = Number(request.url.searchParams.get('limit') ?? 100);
      if (!Number.isInteger(start) || start < 0 || !Number.isInteger(limit) || limit < 1 || limit > 500)
        return pipedriveError(400, 'Invalid parameter(s): start / limit');
      const fields = company.fields(entity);
      const more = start + limit < fields.length;
      return {
        status: 200,
        body: {
          success: true,
          data: fields.slice(start, start + limit),
          additional_data: { pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } },
        },
      };
    };

  const listV2 =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const limit = Number(request.url.searchParams.get('limit') ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return pipedriveError(400, 'Invalid parameter(s): limit must be an integer between 1 and 500');
      const cursor = request.url.searchParams.get('cursor');
      const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
      if (!Number.isInteger(offset) || offset < 0) return pipedriveError(400, 'Invalid parameter(s): cursor is invalid');
      const fields = company.fields(entity);
      const data = fields.slice(offset, offset + limit).map((field) => ({
        field_code: field.key,
        field_name: field.name,
        field_type: field.field_type,
        is_custom_field: field.edit_flag,
        is_optional_response_field: false,
        options: field.options ?? null,
        subfields: null,
      }));
      const more = offset + limit < fields.length;
      return {
        status: 200,
        body: { success: true, data, additional_data: { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64url') : null } },
      };
    };

  const add =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const body = request.body as { name?: unknown; field_type?: unknown; options?: unknown } | undefined;
      const problems: string[] = [];
      if (typeof body?.name !== 'string' || body.name.trim() === '') problems.push('name is required');
      if (typeof body?.field_type !== 'string' || !creatableFieldTypes.has(body.field_type)) problems.push('field_type is invalid');
      const options = body?.options;
      const labels = Array.isArray(options) ? options.map((option) => (option as { label?: unknown })?.label) : [];
      if ((body?.field_type === 'enum' || body?.field_type === 'set') && (labels.length === 0 || labels.some((label) => typeof label !== 'string'))) {
        problems.push('options must be a non-empty array of { label }');
      }
      if (problems.length > 0) return invalidPayload(problems);
      const field = company.addField(entity, body!.name as string, body!.field_type as string, labels as string[]);
      return { status: 201, body: { success: true, data: field } };
    };

  // v2 `POST /api/v2/<entity>Fields/{field_code}/options`: a JSON array of { label }, atomic, answers the new options only.
  const addOptions =
    (entity: PipedriveEntity) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const body = request.body;
      if (
        !Array.isArray(body) ||
        body.length === 0 ||
        body.some((item) => typeof (item as { label?: unknown })?.label !== 'string' || (item as { label: string }).label.trim() === '')
      )
        return invalidPayload(['the body must be a non-empty array of { label }']);
      const field = company.fields(entity).find((candidate) => candidate.key === request.params.code);
      if (!field) return pipedriveError(404, 'Field not found');
      const added = company.addOptions(
        entity,
        field.key,
        (body as Array<{ label: string }>).map((item) => item.label),
      );
      if (!added) return pipedriveError(400, `Field ${field.key} does not take options (enum and set fields do)`);
      return { status: 200, body: { success: true, data: added, additional_data: null } };
    };

  return [
    ...pipedriveEntities.flatMap((entity): Route[] => [
      { method: 'GET', path: `/v1/${fieldsPathOf[entity]}`, name: `${fieldsPathOf[entity]}.list`, handler: listV1(entity) },
      { method: 'POST', path: `/v1/${fieldsPathOf[entity]}`, name: `${fieldsPathOf[entity]}.add`, handler: add(entity) },
      { method: 'GET', path: `/api/v2/${fieldsPathOf[entity]}`, name: `${fieldsPathOf[entity]}.listV2`, handler: listV2(entity) },
      { method: 'POST', path: `/api/v2/${fieldsPathOf[entity]}/:code/options`, name: `${fieldsPathOf[entity]}.addOptions`, handler: addOptions(entity) },
    ]),
    {
      method: 'GET',
      path: '/v1/users/me',
      name: 'users.me',
      handler: () => ({
        status: 200,
        body: {
          success: true,
          data: {
            id: 1,
            name: 'Sandbox Admin',
            email: 'admin@sandbox.example',
            default_currency: 'EUR',
            locale: 'en_US',
            lang: 1,
            activated: true,
            active_flag: true,
            is_you: true,
            timezone_name: 'Europe/Paris',
            company_id: company.companyId,
            company_name: 'Sandbox Company',
            company_domain: 'sandbox',
            company_country: 'FR',
          },
        },
      }),
    },
  ];
}
