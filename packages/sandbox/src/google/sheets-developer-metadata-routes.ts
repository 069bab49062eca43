import type { Route } from '../harness/types.js';
import { googleError } from './google-errors.js';
import { isResponse, openSpreadsheet, type SheetsContext } from './sheets-access.js';
import { selectDeveloperMetadata } from './sheets-developer-metadata.js';

class FilterError extends Error {}

/** spreadsheets.developerMetadata.{get,search}: reads of the metadata batchUpdate creates and deletes. */
export function developerMetadataRoutes(context: SheetsContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/v4/spreadsheets/:spreadsheetId/developerMetadata/:metadataId',
      name: 'developerMetadata.get',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'read');
        if (isResponse(spreadsheet)) return spreadsheet;
        const metadataId = Number(request.params.metadataId);
        const found = (spreadsheet.developerMetadata ?? []).find((metadata) => metadata.metadataId === metadataId);
        if (!found) return googleError(404, `No developer metadata with ID: ${request.params.metadataId}`);
        return { status: 200, body: found };
      },
    },
    {
      method: 'POST',
      path: '/v4/spreadsheets/:spreadsheetId/developerMetadata:search',
      name: 'developerMetadata.search',
      handler: (request) => {
        const spreadsheet = openSpreadsheet(context, request, 'read');
        if (isResponse(spreadsheet)) return spreadsheet;
        const filters = (request.body as { dataFilters?: unknown } | undefined)?.dataFilters;
        if (!Array.isArray(filters) || filters.length === 0) return googleError(400, 'Must specify at least one data filter.');
        // Each match lists the filters that selected it, in the order of the metadata.
        const matched = new Map<number, { developerMetadata: unknown; dataFilters: unknown[] }>();
        try {
          for (const filter of filters as Array<Record<string, unknown>>) {
            for (const metadata of selectDeveloperMetadata(spreadsheet, filter, (message) => {
              throw new FilterError(message);
            })) {
              const entry = matched.get(metadata.metadataId) ?? { developerMetadata: metadata, dataFilters: [] };
              entry.dataFilters.push(filter);
              matched.set(metadata.metadataId, entry);
            }
          }
        } catch (error) {
          if (error instanceof FilterError) return googleError(400, `Invalid dataFilters: ${error.message}`);
          throw error;
        }
        return { status: 200, body: matched.size > 0 ? { matchedDeveloperMetadata: [...matched.values()] } : {} };
      },
    },
  ];
}
