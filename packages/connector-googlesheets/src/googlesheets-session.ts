import { NotFoundError, type CallContext, type CallOptions } from '@automl/connector-core';
import type { sheets_v4 } from '@googleapis/sheets';

/** What the reader and writer need of an open connector: the client, the target and the policy. */
export interface SheetsSession {
  api: sheets_v4.Sheets;
  spreadsheetId: string;
  call<R>(operation: string, fn: (context: CallContext) => Promise<R>, options?: CallOptions): Promise<R>;
  recordRows(operation: string, rows: number): void;
  recordBytes(operation: string, bytes: number): void;
}

export interface SheetProperties {
  sheetId: number;
  title: string;
  hidden: boolean;
  rowCount: number;
  columnCount: number;
}

/** Tab names and grid sizes: one spreadsheets.get restricted to sheet properties. */
export async function fetchSheetProperties(session: SheetsSession, operation: string, signal?: AbortSignal): Promise<SheetProperties[]> {
  const response = await session.call(
    operation,
    ({ signal: attemptSignal }) =>
      session.api.spreadsheets.get(
        { spreadsheetId: session.spreadsheetId, fields: 'sheets(properties(sheetId,title,hidden,gridProperties(rowCount,columnCount)))' },
        { signal: attemptSignal },
      ),
    { signal },
  );
  return (response.data.sheets ?? []).map(({ properties }) => ({
    sheetId: properties?.sheetId ?? 0,
    title: properties?.title ?? '',
    hidden: properties?.hidden ?? false,
    rowCount: properties?.gridProperties?.rowCount ?? 0,
    columnCount: properties?.gridProperties?.columnCount ?? 0,
  }));
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
