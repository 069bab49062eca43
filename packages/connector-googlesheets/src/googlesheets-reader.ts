import { ConfigError, NotFoundError, estimateBytes, type ColumnSchema, type ColumnType, type ConnectorContext, type Row } from '@automl/connector-core';
import { columnLetters, parseUserRange, rangeOf } from './googlesheets-a1-range.js';
import { columnTypeOf, type DateKind, dateKindOf, fromSheetValue, mergeColumnTypes, type NumberFormatType } from './convert-googlesheets-value.js';
import { formatSampleRows } from './googlesheets-options.js';
import { fetchSpreadsheetLayout, pickSheet, type SheetProperties, type SheetsCalls, type SheetsTarget } from './googlesheets-layout.js';
import type { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';

export interface SheetReadRequest {
  sheetName?: string;
  range?: string;
  headerRow: boolean;
  pageSize: number;
  /** A hint from core (which cuts the stream anyway): no chunk is asked for past it. */
  maxRows: number;
  columns?: string[];
}

/** A tab's readable rectangle: the user's range clipped to the grid (reads past it are a 400). */
interface Target {
  sheet: SheetProperties;
  /** The spreadsheet's time zone, which its date-time serials are wall clocks of. */
  timeZone: SpreadsheetTimeZone;
  startRow: number;
  endRow: number;
  startColumn: number;
  endColumn: number;
}

/** What a sample of the first rows tells: column names, which columns hold dates, their types. */
export interface ColumnSample {
  names: string[];
  dateKinds: DateKind[];
  columns: ColumnSchema[];
}

async function resolveTarget(
  target: SheetsTarget,
  calls: SheetsCalls,
  request: Pick<SheetReadRequest, 'sheetName' | 'range'>,
  operation: string,
): Promise<Target> {
  const parsed = request.range === undefined ? undefined : parseUserRange(request.range);
  if (request.range !== undefined && !parsed) {
    throw new ConfigError({
      message: `Cannot read the range "${request.range}"`,
      connector: 'googlesheets',
      operation,
      hint: 'Use A1 notation: A1:E500, B:D, 2:100 or Data!A1:C.',
    });
  }
  const { sheets, timeZone } = await fetchSpreadsheetLayout(target, calls, operation);
  const sheet = pickSheet(sheets, parsed?.sheetTitle ?? request.sheetName, target.spreadsheetId, operation);
  const bounds = parsed?.bounds ?? { startRow: 0, startColumn: 0 };
  return {
    sheet,
    timeZone,
    startRow: bounds.startRow,
    startColumn: bounds.startColumn,
    endRow: Math.min(bounds.endRow ?? sheet.rowCount, sheet.rowCount),
    endColumn: Math.min(bounds.endColumn ?? sheet.columnCount, sheet.columnCount),
  };
}

/** Unique, non-empty column names: blanks take the column letter, repeats get a suffix. */
function columnNames(header: unknown[], startColumn: number, headerRow: boolean): string[] {
  const seen = new Map<string, number>();
  return header.map((value, offset) => {
    const raw = headerRow && value !== undefined && value !== null && String(value).trim() !== '' ? String(value).trim() : columnLetters(startColumn + offset);
    const count = (seen.get(raw) ?? 0) + 1;
    seen.set(raw, count);
    return count === 1 ? raw : `${raw}_${count}`;
  });
}

/**
 * Reads the header and the first data rows with their number formats (one spreadsheets.get with
 * a field mask): a date is a number in the values API, only its column's format says it is a date.
 */
async function sampleColumns(client: SheetsTarget, calls: SheetsCalls, target: Target, headerRow: boolean, operation: string): Promise<ColumnSample> {
  const sampleEnd = Math.min(target.startRow + (headerRow ? 1 : 0) + formatSampleRows, target.endRow);
  const response = await calls.call(operation, ({ signal }) =>
    client.api.spreadsheets.get(
      {
        spreadsheetId: client.spreadsheetId,
        ranges: [rangeOf(target.sheet.title, target.startRow, sampleEnd, target.startColumn, target.endColumn)],
        fields: 'sheets(data(rowData(values(effectiveValue,effectiveFormat/numberFormat/type))))',
      },
      { signal },
    ),
  );
  const rowData = response.data.sheets?.[0]?.data?.[0]?.rowData ?? [];
  const effectiveValueOf = (cell: { effectiveValue?: Record<string, unknown> | null } | undefined) => {
    const effective = cell?.effectiveValue;
    return effective ? (effective.stringValue ?? effective.numberValue ?? effective.boolValue ?? null) : null;
  };
  const headerCells = headerRow ? (rowData[0]?.values ?? []) : [];
  const dataRows = headerRow ? rowData.slice(1) : rowData;
  const width = Math.max(headerCells.length, headerRow ? 0 : Math.max(0, ...dataRows.map((row) => row.values?.length ?? 0)));
  const names = columnNames(
    Array.from({ length: width }, (_, index) => effectiveValueOf(headerCells[index] as never)),
    target.startColumn,
    headerRow,
  );
  const types: Array<ColumnType | undefined> = new Array(width).fill(undefined);
  const formats: Array<NumberFormatType | undefined> = new Array(width).fill(undefined);
  const nullable: boolean[] = new Array(width).fill(dataRows.length === 0);
  for (const row of dataRows) {
    for (let index = 0; index < width; index += 1) {
      const cell = row.values?.[index];
      const format = cell?.effectiveFormat?.numberFormat?.type ?? undefined;
      if (format && !formats[index]) formats[index] = format;
      const type = columnTypeOf((cell?.effectiveValue ?? undefined) as Record<string, unknown> | undefined, format);
      if (type === undefined) nullable[index] = true;
      types[index] = mergeColumnTypes(types[index], type);
    }
  }
  return {
    names,
    dateKinds: formats.map((format) => dateKindOf(format)),
    columns: names.map((name, index) => ({
      name,
      type: types[index] ?? 'unknown',
      ...(formats[index] ? { sourceType: formats[index] } : {}),
      nullable: nullable[index] ?? true,
    })),
  };
}

/** describe(): the columns of a tab from its header and first rows. */
export async function describeSheet(
  client: SheetsTarget,
  calls: SheetsCalls,
  sheetName: string | undefined,
): Promise<{ table: string; columns: ColumnSchema[] }> {
  const target = await resolveTarget(client, calls, { sheetName }, 'describe');
  if (target.startRow >= target.endRow) return { table: target.sheet.title, columns: [] };
  const sample = await sampleColumns(client, calls, target, true, 'describe');
  return { table: target.sheet.title, columns: sample.columns };
}

/**
 * Reads a tab in row-range chunks of `pageSize` rows, one values.get each (UNFORMATTED_VALUE and
 * SERIAL_NUMBER, so numbers, booleans and dates come back typed), each chunk a page. The Values API
 * has no cursor: reading stops at the grid's last row or at the first chunk that comes back short
 * (the API drops trailing empty rows), so a run of a whole page of empty rows ends the read.
 * Entirely empty rows inside the data are skipped (and counted in the read report).
 *
 * The first chunk leaves together with the header sample (they do not depend on each other); core
 * reads the following pages one ahead of the consumer.
 */
export async function* readSheetPages(client: SheetsTarget, context: ConnectorContext, request: SheetReadRequest): AsyncGenerator<Row[]> {
  const target = await resolveTarget(client, context, request, 'read');
  if (target.startRow >= target.endRow || target.startColumn >= target.endColumn) return;
  const fetchChunk = async (start: number): Promise<{ start: number; end: number; values: unknown[][] }> => {
    const end = Math.min(start + request.pageSize, target.endRow);
    const range = rangeOf(target.sheet.title, start, end, target.startColumn, target.endColumn);
    const response = await context.call('read', ({ signal }) =>
      client.api.spreadsheets.values.get(
        { spreadsheetId: client.spreadsheetId, range, valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'SERIAL_NUMBER', majorDimension: 'ROWS' },
        { signal },
      ),
    );
    return { start, end, values: (response.data.values ?? []) as unknown[][] };
  };
  const firstRow = target.startRow + (request.headerRow ? 1 : 0);
  let pending = firstRow < target.endRow ? fetchChunk(firstRow) : undefined;
  // Marked handled at once: the chunk can fail while the sample is awaited (the loop rethrows it).
  pending?.catch(() => {});
  const sample = await sampleColumns(client, context, target, request.headerRow, 'read');
  const names = [...sample.names];
  const wanted = request.columns ? new Set(request.columns) : undefined;
  if (wanted) {
    const unknown = request.columns!.filter((column) => !names.includes(column));
    if (unknown.length > 0 && request.headerRow) {
      throw new NotFoundError({
        message: `No column ${unknown.map((column) => `"${column}"`).join(', ')} in tab "${target.sheet.title}"`,
        connector: 'googlesheets',
        operation: 'read',
        hint: `Columns: ${names.join(', ')}.`,
      });
    }
  }
  let delivered = 0;
  let skipped = 0;
  while (pending) {
    const { start, end, values } = await pending;
    pending = undefined;
    const page: Row[] = [];
    for (const cells of values) {
      if (cells.every((cell) => cell === '' || cell === null || cell === undefined)) {
        skipped += 1;
        continue;
      }
      const record: Row = {};
      const width = Math.max(names.length, cells.length);
      for (let index = 0; index < width; index += 1) {
        names[index] ??= columnLetters(target.startColumn + index);
        const name = names[index]!;
        if (wanted && !wanted.has(name)) continue;
        record[name] = fromSheetValue(cells[index], sample.dateKinds[index], target.timeZone);
      }
      page.push(record);
    }
    context.recordBytes('read', estimateBytes(page));
    delivered += page.length;
    if (page.length > 0) yield page;
    // A short chunk is the end of the data; a full one may be followed by more rows. Asked for only
    // when core pulls the next page (it reads one ahead of the consumer).
    if (values.length >= end - start && end < target.endRow && delivered < request.maxRows) pending = fetchChunk(end);
  }
  if (skipped > 0) context.warn('EMPTY_ROWS_SKIPPED', `${skipped} empty row(s) inside the data of tab "${target.sheet.title}" were skipped`);
}
