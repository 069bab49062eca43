import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Bulk API 2.0 `columnDelimiter` values and the characters they stand for. */
export const columnDelimiters: Record<string, string> = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
};

/** Parses uploaded job data: a header row, then one record per row (quoted fields may span lines). */
export function parseJobCsv(text: string, delimiter: string): { header: string[]; rows: string[][] } {
  const table = parse(text, { delimiter, relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  const [header = [], ...rows] = table;
  return { header, rows };
}

/** Writes a CSV table the way Bulk API 2.0 results come: every value quoted, LF or CRLF line endings. */
export function writeJobCsv(header: string[], rows: string[][], delimiter: string, lineEnding: string): string {
  return stringify([header, ...rows], { delimiter, quoted: true, record_delimiter: lineEnding === 'CRLF' ? '\r\n' : '\n' });
}
