import { DataError } from '@automl/connector-core';

/**
 * The bounds every read enforces, so a crafted workbook costs bounded memory and time: Excel's own
 * sheet limits, and sizes far beyond what any real workbook holds. Past one, the read fails with a
 * DataError that names the cell, row or part.
 */
export interface ReadLimits {
  /** Excel's last column is XFD: 16,384 columns. */
  maxColumns: number;
  /** Excel's last row: 1,048,576. */
  maxRows: number;
  /** Characters of XML in one `<row>` element (a 16,384-cell row of long texts fits). */
  maxRowChars: number;
  /** `<c>` elements in one row: as many as there are columns. */
  maxCellsPerRow: number;
  /** Characters of XML in one shared string item (`<si>`): a cell holds at most 32,767 characters, runs add markup. */
  maxStringItemChars: number;
  /** Entries of the shared-string table. */
  maxSharedStrings: number;
  /** Inflated bytes of a part read whole: workbook.xml, relationships, styles.xml. */
  maxSmallPartBytes: number;
  /** Inflated bytes of the shared-string table (held in memory as strings). */
  maxSharedStringsBytes: number;
  /** Inflated bytes of one worksheet (streamed: this bounds time, memory is bounded by the rows). */
  maxSheetBytes: number;
}

export const excelLimits: Readonly<ReadLimits> = Object.freeze({
  maxColumns: 16_384,
  maxRows: 1_048_576,
  maxRowChars: 64 * 1024 * 1024,
  maxCellsPerRow: 16_384,
  maxStringItemChars: 16 * 1024 * 1024,
  maxSharedStrings: 16 * 1024 * 1024,
  maxSmallPartBytes: 64 * 1024 * 1024,
  maxSharedStringsBytes: 1024 * 1024 * 1024,
  maxSheetBytes: 16 * 1024 * 1024 * 1024,
});

/** "64 MB", for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** A sheet whose content breaks a limit or is not well-formed XML. */
export function sheetDataError(sheet: string, detail: string, code: 'TOO_MANY_COLUMNS' | 'TOO_MANY_ROWS' | 'ROW_TOO_LARGE' | 'MALFORMED'): DataError {
  return new DataError({
    message: `Cannot read sheet "${sheet}": ${detail}`,
    connector: 'excel',
    operation: 'read',
    code,
    hint:
      code === 'MALFORMED'
        ? 'The sheet XML is damaged or was written by a faulty generator; open and re-save the file in Excel or LibreOffice.'
        : 'The workbook goes beyond what Excel itself can open (16,384 columns, 1,048,576 rows); it was probably crafted or damaged. Re-export it from the program that made it.',
  });
}
