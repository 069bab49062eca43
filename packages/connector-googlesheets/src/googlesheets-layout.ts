import { NotFoundError, type ConnectorContext } from '@automl/connector-core';
import type { sheets_v4 } from '@googleapis/sheets';
import { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';

/** The Sheets client and the spreadsheet a connector is bound to. */
export interface SheetsTarget {
  api: sheets_v4.Sheets;
  spreadsheetId: string;
}

/** What the helpers need of core: the policy's `call` and the logger (a read or write context, or the connector's own). */
export type SheetsCalls = Pick<ConnectorContext, 'call' | 'logger'>;

export interface SheetProperties {
  sheetId: number;
  title: string;
  hidden: boolean;
  rowCount: number;
  columnCount: number;
  /** Sheet-level developer metadata, when the layout was asked for it (the write markers). */
  developerMetadata?: Array<{ metadataId: number; metadataKey: string; metadataValue?: string }>;
}

/** What one spreadsheets.get tells of the spreadsheet: its tabs and the time zone its date-times are in. */
export interface SpreadsheetLayout {
  sheets: SheetProperties[];
  timeZone: SpreadsheetTimeZone;
}

const layoutFields = 'properties/timeZone,sheets(properties(sheetId,title,hidden,gridProperties(rowCount,columnCount))';

/**
 * Tab names, grid sizes and the spreadsheet's time zone: one spreadsheets.get restricted to those
 * fields; with `markers`, each sheet's developer metadata too (a write looks for its old markers).
 */
export async function fetchSpreadsheetLayout(
  target: SheetsTarget,
  calls: SheetsCalls,
  operation: string,
  options: { markers?: boolean } = {},
): Promise<SpreadsheetLayout> {
  const fields = `${layoutFields}${options.markers ? ',developerMetadata(metadataId,metadataKey,metadataValue)' : ''})`;
  const response = await calls.call(operation, ({ signal }) => target.api.spreadsheets.get({ spreadsheetId: target.spreadsheetId, fields }, { signal }));
  const { zone, unknown } = SpreadsheetTimeZone.forSpreadsheet(response.data.properties?.timeZone);
  if (unknown) {
    calls.logger.warn(
      { connector: 'googlesheets', spreadsheetId: target.spreadsheetId, timeZone: unknown },
      'unknown spreadsheet time zone: date-times are read and written as UTC',
    );
  }
  return {
    timeZone: zone,
    sheets: (response.data.sheets ?? []).map(({ properties, developerMetadata }) => ({
      sheetId: properties?.sheetId ?? 0,
      title: properties?.title ?? '',
      hidden: properties?.hidden ?? false,
      rowCount: properties?.gridProperties?.rowCount ?? 0,
      columnCount: properties?.gridProperties?.columnCount ?? 0,
      ...(developerMetadata
        ? {
            developerMetadata: developerMetadata.map((metadata) => ({
              metadataId: metadata.metadataId ?? 0,
              metadataKey: metadata.metadataKey ?? '',
              ...(metadata.metadataValue ? { metadataValue: metadata.metadataValue } : {}),
            })),
          }
        : {}),
    })),
  };
}

/** The tab a call names, or the first visible one; a clear NotFoundError listing the tabs otherwise. */
export function pickSheet(sheets: SheetProperties[], title: string | undefined, spreadsheetId: string, operation: string): SheetProperties {
  const found = title === undefined ? (sheets.find((sheet) => !sheet.hidden) ?? sheets[0]) : sheets.find((sheet) => sheet.title === title);
  if (found) return found;
  throw new NotFoundError({
    message: `No tab named "${title ?? ''}" in spreadsheet ${spreadsheetId}`,
    connector: 'googlesheets',
    operation,
    hint: `Existing tabs: ${sheets.map((sheet) => `"${sheet.title}"`).join(', ') || '(none)'}.`,
  });
}
