import type { SpreadsheetState } from './sheets-store.js';

/**
 * Developer metadata (Sheets v4 `spreadsheets.developerMetadata`): key/value pairs an application
 * attaches to the spreadsheet, a sheet, or rows and columns, and finds again with a
 * DeveloperMetadataLookup. Created and deleted through batchUpdate (createDeveloperMetadata,
 * deleteDeveloperMetadata), read with developerMetadata.get and developerMetadata.search.
 * `metadataId` is spreadsheet-scoped and unique: a create naming an id already taken fails, and with
 * it the whole batchUpdate. Metadata located on a sheet (or its rows and columns) goes with the sheet
 * when it is deleted. Row and column locations are kept as given: the emulator never inserts rows
 * above existing ones, so they never move.
 */
export interface DeveloperMetadata {
  metadataId: number;
  metadataKey: string;
  metadataValue?: string;
  location: DeveloperMetadataLocation;
  visibility: 'DOCUMENT' | 'PROJECT';
}

export interface DeveloperMetadataLocation {
  locationType: 'SPREADSHEET' | 'SHEET' | 'ROW' | 'COLUMN';
  spreadsheet?: boolean;
  sheetId?: number;
  dimensionRange?: { sheetId: number; dimension: 'ROWS' | 'COLUMNS'; startIndex?: number; endIndex?: number };
}

type Fail = (message: string) => never;

const visibilities = new Set(['DOCUMENT', 'PROJECT']);
const MAX_METADATA_ID = 2_147_483_647;

function metadataOf(spreadsheet: SpreadsheetState): DeveloperMetadata[] {
  spreadsheet.developerMetadata ??= [];
  return spreadsheet.developerMetadata;
}

function locationOf(spreadsheet: SpreadsheetState, raw: Record<string, unknown> | undefined, fail: Fail): DeveloperMetadataLocation {
  const hasSheet = (sheetId: unknown) => spreadsheet.sheets.some((sheet) => sheet.sheetId === Number(sheetId));
  if (!raw) return fail('developerMetadata.location is required.');
  if (raw.spreadsheet === true) return { locationType: 'SPREADSHEET', spreadsheet: true };
  if (raw.sheetId !== undefined) {
    if (!hasSheet(raw.sheetId)) fail(`No grid with id: ${Number(raw.sheetId)}`);
    return { locationType: 'SHEET', sheetId: Number(raw.sheetId) };
  }
  const range = raw.dimensionRange as Record<string, unknown> | undefined;
  if (range) {
    if (!hasSheet(range.sheetId ?? 0)) fail(`No grid with id: ${Number(range.sheetId ?? 0)}`);
    const dimension =
      range.dimension === 'COLUMNS' ? 'COLUMNS' : range.dimension === 'ROWS' ? 'ROWS' : fail('dimensionRange.dimension must be ROWS or COLUMNS.');
    return {
      locationType: dimension === 'ROWS' ? 'ROW' : 'COLUMN',
      dimensionRange: {
        sheetId: Number(range.sheetId ?? 0),
        dimension,
        ...(range.startIndex !== undefined ? { startIndex: Number(range.startIndex) } : {}),
        ...(range.endIndex !== undefined ? { endIndex: Number(range.endIndex) } : {}),
      },
    };
  }
  return fail('developerMetadata.location must set spreadsheet, sheetId or dimensionRange.');
}

/** CreateDeveloperMetadataRequest: the metadata as stored, with its id (given or drawn). */
export function createDeveloperMetadata(spreadsheet: SpreadsheetState, body: Record<string, unknown>, fail: Fail): DeveloperMetadata {
  const raw = (body.developerMetadata ?? {}) as Record<string, unknown>;
  const all = metadataOf(spreadsheet);
  if (typeof raw.metadataKey !== 'string' || raw.metadataKey === '') fail('Developer metadata must always have a key specified.');
  if (typeof raw.visibility !== 'string' || !visibilities.has(raw.visibility)) fail('Developer metadata must always have a visibility specified.');
  let metadataId: number;
  if (raw.metadataId !== undefined) {
    metadataId = Number(raw.metadataId);
    if (!Number.isInteger(metadataId) || metadataId <= 0 || metadataId > MAX_METADATA_ID) fail('metadataId must be a positive 32-bit integer.');
    if (all.some((existing) => existing.metadataId === metadataId)) fail(`Developer metadata with id ${metadataId} already exists.`);
  } else {
    do metadataId = 1 + Math.floor(Math.random() * (MAX_METADATA_ID - 1));
    while (all.some((existing) => existing.metadataId === metadataId));
  }
  const created: DeveloperMetadata = {
    metadataId,
    metadataKey: raw.metadataKey as string,
    ...(typeof raw.metadataValue === 'string' ? { metadataValue: raw.metadataValue } : {}),
    location: locationOf(spreadsheet, raw.location as Record<string, unknown> | undefined, fail),
    visibility: raw.visibility as DeveloperMetadata['visibility'],
  };
  all.push(created);
  return created;
}

/** Whether one metadata matches a DeveloperMetadataLookup: every field the lookup sets must match. */
function matchesLookup(metadata: DeveloperMetadata, lookup: Record<string, unknown>): boolean {
  if (lookup.metadataId !== undefined && metadata.metadataId !== Number(lookup.metadataId)) return false;
  if (lookup.metadataKey !== undefined && metadata.metadataKey !== lookup.metadataKey) return false;
  if (lookup.metadataValue !== undefined && metadata.metadataValue !== lookup.metadataValue) return false;
  if (lookup.visibility !== undefined && metadata.visibility !== lookup.visibility) return false;
  if (lookup.locationType !== undefined && metadata.location.locationType !== lookup.locationType) return false;
  const location = lookup.metadataLocation as Record<string, unknown> | undefined;
  if (location) {
    if (location.spreadsheet === true && metadata.location.locationType !== 'SPREADSHEET') return false;
    if (location.sheetId !== undefined && !(metadata.location.locationType === 'SHEET' && metadata.location.sheetId === Number(location.sheetId))) return false;
  }
  return true;
}

/** The metadata a DataFilter selects. Only developerMetadataLookup filters are emulated. */
export function selectDeveloperMetadata(spreadsheet: SpreadsheetState, filter: Record<string, unknown> | undefined, fail: Fail): DeveloperMetadata[] {
  const lookup = filter?.developerMetadataLookup as Record<string, unknown> | undefined;
  if (!lookup)
    return fail(
      filter?.a1Range !== undefined || filter?.gridRange !== undefined
        ? 'the sandbox emulator selects developer metadata by developerMetadataLookup only'
        : 'A data filter must be specified.',
    );
  if (Object.keys(lookup).length === 0) fail('A developer metadata lookup must set at least one field.');
  return metadataOf(spreadsheet).filter((metadata) => matchesLookup(metadata, lookup));
}

/** DeleteDeveloperMetadataRequest: removes what the filter selects (none is not an error). */
export function deleteDeveloperMetadata(spreadsheet: SpreadsheetState, body: Record<string, unknown>, fail: Fail): DeveloperMetadata[] {
  const doomed = new Set(selectDeveloperMetadata(spreadsheet, body.dataFilter as Record<string, unknown> | undefined, fail));
  spreadsheet.developerMetadata = metadataOf(spreadsheet).filter((metadata) => !doomed.has(metadata));
  return [...doomed];
}

/** Metadata that lives on a sheet (its SHEET location, its rows and columns): removed with the sheet. */
export function dropSheetMetadata(spreadsheet: SpreadsheetState, sheetId: number): void {
  spreadsheet.developerMetadata = metadataOf(spreadsheet).filter(
    (metadata) => (metadata.location.sheetId ?? metadata.location.dimensionRange?.sheetId) !== sheetId,
  );
}

/** Sheet-level metadata, as `sheets[].developerMetadata` of the Spreadsheet resource lists it. */
export function sheetMetadata(spreadsheet: SpreadsheetState, sheetId: number): DeveloperMetadata[] {
  return metadataOf(spreadsheet).filter((metadata) => metadata.location.locationType === 'SHEET' && metadata.location.sheetId === sheetId);
}

/** Spreadsheet-level metadata, as the Spreadsheet resource's `developerMetadata` lists it. */
export function spreadsheetMetadata(spreadsheet: SpreadsheetState): DeveloperMetadata[] {
  return metadataOf(spreadsheet).filter((metadata) => metadata.location.locationType === 'SPREADSHEET');
}
