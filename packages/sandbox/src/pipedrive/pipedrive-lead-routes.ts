import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import type { PipedriveCompany } from './pipedrive-company.js';
import { pipedriveError } from './pipedrive-error-bodies.js';

/** Most leads one v1 page returns (the documented maximum of `limit`). */
const leadPageMax = 500;

/**
 * `GET /v1/leads` and `GET /v1/leads/archived`: Pipedrive has no v2 leads endpoint. Offset paging
 * with `start` / `limit` (default 100), oldest first; `updated_since` (ISO 8601) keeps leads updated
 * at or after it (the client 33.7.0 docstring). The paging sits at the root of `additional_data`
 * (`start`, `limit`, `more_items_in_collection`), as the client's `GetLeadsResponse` model has it.
 * `honourUpdatedSince: false` answers as the older API reference (which lists no `updated_since`
 * on this endpoint) would: the parameter is ignored.
 */
export function pipedriveLeadRoutes(company: PipedriveCompany, options: { honourUpdatedSince: boolean }): Route[] {
  const list =
    (archived: boolean) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const params = request.url.searchParams;
      const start = Number(params.get('start') ?? 0);
      const limit = Number(params.get('limit') ?? 100);
      if (!Number.isInteger(start) || start < 0) return pipedriveError(400, 'Invalid parameter(s): start must be a non-negative integer');
      if (!Number.isInteger(limit) || limit < 1 || limit > leadPageMax)
        return pipedriveError(400, `Invalid parameter(s): limit must be an integer between 1 and ${leadPageMax}`);
      const rawSince = params.get('updated_since');
      const since =
        rawSince === null ? undefined : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(rawSince) ? Date.parse(rawSince) : Number.NaN;
      if (Number.isNaN(since)) return pipedriveError(400, 'Invalid parameter(s): updated_since must be an ISO 8601 date-time');
      const page = company.leads.page(start, limit, archived, options.honourUpdatedSince ? since : undefined);
      const dealFields = company.fields('deals');
      return {
        status: 200,
        body: {
          success: true,
          data: page.records.map((record) => company.leads.view(record, dealFields)),
          additional_data: { start, limit, more_items_in_collection: page.more },
        },
      };
    };
  return [
    { method: 'GET', path: '/v1/leads', name: 'leads.list', handler: list(false) },
    { method: 'GET', path: '/v1/leads/archived', name: 'leads.listArchived', handler: list(true) },
  ];
}
