import { NotFoundError, type CallContext, type CallOptions, type Logger } from '@automl/connector-core';
import type { sheets_v4 } from '@googleapis/sheets';
import { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';

/** What the reader and writer need of an open connector: the client, the target and the policy. */
export interface SheetsSession {
  api: sheets_v4.Sheets;
  spreadsheetId: string;
  call<R>(operation: string, fn: (context: CallContext) => Promise<R>, options?: CallOptions): Promise<R>;
  recordRows(operation: string, rows: number): void;
  recordBytes(operation: string, bytes: number): void;
  logger: Logger;
}

export interface SheetProperties {
  sheetId: number;
  title: string;
  hidden: boolean;
  rowCount: number;
  columnCount: number;
}

/** What one spreadsheets.get tells of the spreadsheet: its tabs and the time zone its date-times are in. */
export interface SpreadsheetLayout {
  sheets: SheetProperties[];
  timeZone: SpreadsheetTimeZone;
}

/** Tab names, grid sizes and the spreadsheet's time zone: one spreadsheets.get restricted to those fields. */
export async function fetchSpreadsheetLayout(session: SheetsSession, operation: string, signal?: AbortSignal): Promise<SpreadsheetLayout> {
  const response = await session.call(
    operation,
    ({ signal: attemptSignal }) =>
      session.api.spreadsheets.get(
        { spreadsheetId: session.spreadsheetId, fields: 'properties/timeZone,sheets(properties(sheetId,title,hidden,gridProperties(rowCount,columnCount)))' },
        { signal: attemptSignal },
      ),
    { signal },
  );
  const { zone, unknown } = SpreadsheetTimeZone.forSpreadsheet(response.data.properties?.timeZone);
  if (unknown) {
    session.logger.warn({ connector: 'googlesheets', spreadsheetId: session.spreadsheetId, timeZone: unknown }, 'unknown spreadsheet time zone: date-times are read and written as UTC');
  }
  return {
    timeZone: zone,
    sheets: (response.data.sheets ?? []).map(({ properties }) => ({
      sheetId: properties?.sheetId ?? 0,
      title: properties?.title ?? '',
      hidden: properties?.hidden ?? false,
      rowCount: properties?.gridProperties?.rowCount ?? 0,
      columnCount: properties?.gridProperties?.columnCount ?? 0,
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
