import type { Value } from '@automl/connector-core';
import { columnIndexFromLetters, columnLetters, parseBoolean, parseIsoDate, serialToDate } from './cell-value.js';
import { excelLimits, formatBytes, sheetDataError, type ReadLimits } from './read-limits.js';
import { decodeXmlText, ownString, richText, rootPrefix } from './xml-text.js';

export type CellWarningCode = 'error-cell' | 'formula-without-value' | 'bad-shared-string';

export interface ScanContext {
  /** The sheet's name, for errors. */
  sheet: string;
  sharedStrings: readonly string[];
  dateStyles: Uint8Array;
  date1904: boolean;
  onCellWarning(code: CellWarningCode, cell: string, detail: string): void;
  /** Bounds on rows, columns and row size; Excel's and the library's defaults when omitted. */
  limits?: Partial<ReadLimits>;
}

/**
 * Receives each row: its 1-based sheet row number and its values by 0-based column (undefined where
 * the sheet stores nothing), valid only during the call, and whether the row is blank in every
 * column (selected or not, so choosing columns never changes which rows exist). Return false to stop,
 * 'pause' to stop after this row until `resume()` (the consumer takes a page first: a 64 KB chunk
 * of tiny rows that each reach column XFD would otherwise become thousands of 16,384-key rows).
 */
export type RowSink = (rowNumber: number, values: ReadonlyArray<Value | undefined>, width: number, blank: boolean) => boolean | 'pause' | undefined;

const isTagBoundary = (code: number) => code === 62 /* > */ || code === 32 || code === 47 /* / */ || code === 9 || code === 10 || code === 13;
const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;
// The sheet's root and <sheetData> start tag come first; this much text without them is not a worksheet.
const maxHeaderSearchChars = 1024 * 1024;

/**
 * A forward-only scanner over a worksheet's XML text, fed in arbitrary chunks. It looks only for
 * what carries data (`<row>`, `<c>`, `<v>`, `<is>`, `<f>`) with indexOf over the text, which is
 * several times faster than a general SAX parser and keeps memory to one chunk plus one row.
 *
 * Linear time whatever the input: while a row is incomplete its chunks are kept in a list and only
 * each new chunk is searched for the end of the row, so a 40 MB row is joined and parsed once.
 * Every search inside a row is bounded by the row's end; what is not well-formed there, a row or
 * column past Excel's limits, or a row larger than `maxRowChars` ends the read with a DataError.
 */
export class SheetRowScanner {
  /** Per column: 0 to skip converting its cells (columns not selected by useCols). */
  wanted: Uint8Array | undefined;
  /** Whether columns beyond `wanted` are converted. */
  wantBeyond = true;
  done = false;
  /** Set when the sink asked for a pause: call `resume()` before pushing more. */
  paused = false;

  readonly #context: ScanContext;
  readonly #sink: RowSink;
  readonly #limits: ReadLimits;
  #buffer = '';
  // While a row is incomplete: its text so far in pieces, and the marker that completes it.
  #pieces: string[] = [];
  #pendingChars = 0;
  #waitFor: string | undefined;
  #prefix: string | undefined;
  #inSheetData = false;
  #lastRow = 0;
  #values: Array<Value | undefined> = [];
  #rowHasContent = false;
  // Tag spellings, with the namespace prefix some generators put on every element (`<x:row>`).
  #rowOpen = '<row';
  #rowClose = '</row>';
  #inlineClose = '</is>';
  #sheetDataClose = '</sheetData';

  constructor(context: ScanContext, sink: RowSink) {
    this.#context = context;
    this.#sink = sink;
    this.#limits = { ...excelLimits, ...context.limits };
  }

  /** Feeds the next piece of sheet XML; complete rows are passed to the sink. */
  push(chunk: string): void {
    if (this.done || chunk.length === 0) return;
    if (this.paused) {
      this.#buffer = [this.#buffer, chunk].join('');
      return;
    }
    if (this.#waitFor !== undefined) {
      // Search the new text only (with the few characters before it that may start the marker).
      const marker = this.#waitFor;
      const last = this.#pieces[this.#pieces.length - 1]!;
      const window = last.length >= marker.length ? last.slice(last.length - marker.length + 1) + chunk : last + chunk;
      this.#pieces.push(chunk);
      this.#pendingChars += chunk.length;
      if (window.indexOf(marker) === -1) {
        this.#checkPending();
        return;
      }
      // join() builds a flat sequential string; `+` would build a rope, and every charCodeAt on a
      // rope takes a slower path.
      this.#buffer = this.#pieces.join('');
      this.#pieces = [];
      this.#pendingChars = 0;
      this.#waitFor = undefined;
    } else {
      this.#buffer = this.#buffer.length === 0 ? chunk : [this.#buffer, chunk].join('');
    }
    if (!this.#inSheetData && !this.#findSheetData()) return;
    this.#scanBuffer();
  }

  /** Goes on after a pause, with the text already pushed. */
  resume(): void {
    this.paused = false;
    if (!this.done && this.#inSheetData) this.#scanBuffer();
  }

  #scanBuffer(): void {
    const consumed = this.#scanRows();
    const rest = consumed >= this.#buffer.length ? '' : this.#buffer.slice(consumed);
    this.#buffer = '';
    if (this.#waitFor !== undefined) {
      this.#pieces = [rest];
      this.#pendingChars = rest.length;
      this.#checkPending();
    } else this.#buffer = rest;
  }

  /** The sheet's text has ended: a row still open is a damaged sheet, not a row to drop silently. */
  end(): void {
    if (this.done || this.#waitFor === undefined) return;
    throw sheetDataError(this.#context.sheet, `row ${this.#lastRow + 1} is not closed (no </row> before the end of the sheet)`, 'MALFORMED');
  }

  #checkPending(): void {
    if (this.#pendingChars > this.#limits.maxRowChars) {
      throw sheetDataError(this.#context.sheet, `row ${this.#lastRow + 1} is larger than ${formatBytes(this.#limits.maxRowChars)} of XML`, 'ROW_TOO_LARGE');
    }
  }

  #findSheetData(): boolean {
    const buffer = this.#buffer;
    if (this.#prefix === undefined) {
      const prefix = rootPrefix(buffer, 'worksheet');
      if (prefix === undefined) {
        if (buffer.length > maxHeaderSearchChars) throw sheetDataError(this.#context.sheet, 'the part has no <worksheet> element', 'MALFORMED');
        return false;
      }
      this.#setPrefix(prefix);
    }
    const open = `<${this.#prefix}sheetData`;
    let start = buffer.indexOf(open);
    while (start !== -1 && start + open.length < buffer.length && !isTagBoundary(buffer.charCodeAt(start + open.length)))
      start = buffer.indexOf(open, start + 1);
    if (start === -1 || start + open.length >= buffer.length) {
      // Keep only a tail long enough to hold a split tag: the sheet header (<cols>...) is not data.
      if (buffer.length > 65536) this.#buffer = buffer.slice(-256);
      return false;
    }
    const tagEnd = buffer.indexOf('>', start);
    if (tagEnd === -1) {
      if (buffer.length - start > maxHeaderSearchChars) throw sheetDataError(this.#context.sheet, 'the <sheetData> tag does not end', 'MALFORMED');
      return false;
    }
    if (buffer.charCodeAt(tagEnd - 1) === 47) {
      this.done = true; // <sheetData/>: an empty sheet
      this.#buffer = '';
      return false;
    }
    this.#inSheetData = true;
    this.#buffer = buffer.slice(tagEnd + 1);
    return true;
  }

  #setPrefix(prefix: string): void {
    this.#prefix = prefix;
    this.#rowOpen = `<${prefix}row`;
    this.#rowClose = `</${prefix}row>`;
    this.#inlineClose = `</${prefix}is>`;
    this.#sheetDataClose = `</${prefix}sheetData`;
  }

  /** Parses every complete row in the buffer; returns how far it got (and sets #waitFor when a row is incomplete). */
  #scanRows(): number {
    const buffer = this.#buffer;
    const rowOpen = this.#rowOpen;
    const rowClose = this.#rowClose;
    const end = buffer.indexOf(this.#sheetDataClose);
    const limit = end === -1 ? buffer.length : end;
    let position = 0;
    for (;;) {
      const start = buffer.indexOf(rowOpen, position);
      if (start === -1 || start >= limit) break;
      // A chunk may end right after "<row": wait for the next one to see what follows.
      if (start + rowOpen.length >= buffer.length) return this.#wait(start, '>');
      if (!isTagBoundary(buffer.charCodeAt(start + rowOpen.length))) {
        position = start + rowOpen.length;
        continue;
      }
      const tagEnd = buffer.indexOf('>', start);
      if (tagEnd === -1) return this.#wait(start, '>');
      const rowNumber = this.#rowNumber(buffer, start + rowOpen.length, tagEnd);
      if (buffer.charCodeAt(tagEnd - 1) === 47) {
        // <row r="5"/>: a row with formatting only
        position = tagEnd + 1;
        const next = this.#sink(rowNumber, this.#values, 0, true);
        if (next === false) return this.#stop();
        if (next === 'pause') return this.#pause(position);
        continue;
      }
      const close = buffer.indexOf(rowClose, tagEnd);
      if (close === -1) {
        this.#lastRow = rowNumber - 1; // the row is parsed again, whole, once its end arrives
        return this.#wait(start, rowClose);
      }
      if (close - start > this.#limits.maxRowChars) {
        throw sheetDataError(this.#context.sheet, `row ${rowNumber} is larger than ${formatBytes(this.#limits.maxRowChars)} of XML`, 'ROW_TOO_LARGE');
      }
      const width = this.#scanCells(buffer, tagEnd + 1, close, rowNumber);
      position = close + rowClose.length;
      const keepGoing = this.#sink(rowNumber, this.#values, width, !this.#rowHasContent);
      const values = this.#values;
      for (let column = 0; column < width; column += 1) values[column] = undefined;
      if (keepGoing === false) return this.#stop();
      if (keepGoing === 'pause') return this.#pause(position);
    }
    if (end !== -1) {
      this.done = true;
      return buffer.length;
    }
    // Keep a tail that may hold the start of a split "<row" or "</sheetData".
    return Math.max(position, buffer.length - this.#sheetDataClose.length);
  }

  #wait(start: number, marker: string): number {
    this.#waitFor = marker;
    return start;
  }

  #pause(position: number): number {
    this.paused = true;
    return position;
  }

  #stop(): number {
    this.done = true;
    return this.#buffer.length;
  }

  /** The row's number: its `r`, or the next one; later than the previous row, and within Excel's rows. */
  #rowNumber(buffer: string, from: number, to: number): number {
    const r = rowAttribute(buffer, from, to);
    // Rows must ascend; one that does not (or has no r) is taken as the next row, so row numbers
    // only grow and the sheet can never hold more than Excel's row count.
    const number = r > this.#lastRow ? r : this.#lastRow + 1;
    if (number > this.#limits.maxRows) {
      throw sheetDataError(
        this.#context.sheet,
        `row ${number > 99_999_999 ? `${String(number).slice(0, 12)}...` : number} is past row ${this.#limits.maxRows.toLocaleString('en-US')}, the last Excel allows`,
        'TOO_MANY_ROWS',
      );
    }
    this.#lastRow = number;
    return number;
  }

  #malformed(rowNumber: number, column: number, what: string): never {
    throw sheetDataError(this.#context.sheet, `${column >= 0 ? `cell ${columnLetters(column)}${rowNumber}` : `row ${rowNumber}`}: ${what}`, 'MALFORMED');
  }

  #pastLastColumn(buffer: string, rowNumber: number, refStart: number, refEnd: number): never {
    const reference =
      refEnd > refStart
        ? buffer.slice(refStart, Math.min(refEnd, refStart + 24)) + (refEnd - refStart > 24 ? '...' : '')
        : `after ${columnLetters(this.#limits.maxColumns - 1)}${rowNumber}`;
    throw sheetDataError(
      this.#context.sheet,
      `cell ${reference} is past column ${columnLetters(this.#limits.maxColumns - 1)}, the last Excel allows (${this.#limits.maxColumns.toLocaleString('en-US')} columns)`,
      'TOO_MANY_COLUMNS',
    );
  }

  /**
   * Fills #values for the cells between `from` and `to` (the row's content, `to` being the start of
   * `</row>`); returns the row's width. Short hops are charCodeAt loops, which the JIT inlines;
   * indexOf is kept for the longer searches. Every position is checked against `to`, so damaged
   * markup can neither run past the row nor loop.
   */
  #scanCells(buffer: string, from: number, to: number, rowNumber: number): number {
    const values = this.#values;
    const wanted = this.#wantedOrUndefined();
    const wantBeyond = this.wantBeyond;
    const prefix = this.#prefix ?? '';
    const prefixLength = prefix.length;
    const inlineClose = this.#inlineClose;
    const context = this.#context;
    const maxColumn = this.#limits.maxColumns - 1;
    const maxCells = this.#limits.maxCellsPerRow;
    let width = 0;
    let column = -1;
    let cells = 0;
    let at = from;
    this.#rowHasContent = false;
    while (at < to) {
      // The next element of the row: a cell, or something else (extLst...) to step over.
      if (buffer.charCodeAt(at) !== 60 /* < */) {
        at = buffer.indexOf('<', at);
        if (at === -1 || at >= to) break;
      }
      const nameStart = at + 1 + prefixLength;
      if (
        buffer.charCodeAt(nameStart) !== 99 /* c */ ||
        !isTagBoundary(buffer.charCodeAt(nameStart + 1)) ||
        (prefixLength > 0 && !buffer.startsWith(prefix, at + 1))
      ) {
        at = skipElement(buffer, at, to);
        if (at < 0) this.#malformed(rowNumber, -1, 'an element is not closed within the row');
        continue;
      }

      // Attributes r (reference), t (type) and s (style), in any order and either quote.
      let type = TYPE_NUMBER;
      let style = 0;
      let refStart = -1;
      let refEnd = -1;
      let selfClosing = false;
      let i = nameStart + 1;
      for (;;) {
        let code = buffer.charCodeAt(i);
        while (isSpace(code)) code = buffer.charCodeAt(++i);
        if (i >= to) this.#malformed(rowNumber, column + 1, 'the <c> tag does not end');
        if (code === 62 /* > */) {
          i += 1;
          break;
        }
        if (code === 47 /* / */) {
          if (buffer.charCodeAt(i + 1) !== 62) this.#malformed(rowNumber, column + 1, 'a stray "/" in the <c> tag');
          selfClosing = true;
          i += 2;
          break;
        }
        const nameAt = i;
        while (i < to && code !== 61 /* = */ && code > 32 && code !== 62 && code !== 47) code = buffer.charCodeAt(++i);
        const nameLength = i - nameAt;
        while (i < to && (isSpace(code) || code === 61)) code = buffer.charCodeAt(++i); // to the opening quote
        if (i >= to || (code !== 34 && code !== 39) || nameLength === 0)
          this.#malformed(rowNumber, column + 1, 'an attribute of the <c> tag has no quoted value');
        const quote = code;
        const valueStart = ++i;
        while (i < to && buffer.charCodeAt(i) !== quote) i += 1;
        if (i >= to) this.#malformed(rowNumber, column + 1, 'an attribute value of the <c> tag does not end');
        const valueEnd = i;
        i += 1;
        if (nameLength === 1) {
          const name = buffer.charCodeAt(nameAt);
          if (name === 114 /* r */) {
            refStart = valueStart;
            refEnd = valueEnd;
          } else if (name === 116 /* t */) type = typeCode(buffer, valueStart, valueEnd);
          else if (name === 115 /* s */) style = Math.max(0, parseDigits(buffer, valueStart, valueEnd));
        }
      }
      const referenced = refStart === -1 ? -1 : refColumn(buffer, refStart, refEnd, maxColumn);
      column = referenced < 0 ? column + 1 : referenced;
      if (column > maxColumn) this.#pastLastColumn(buffer, rowNumber, refStart, refEnd);
      cells += 1;
      if (cells > maxCells) {
        throw sheetDataError(context.sheet, `row ${rowNumber} has more than ${maxCells.toLocaleString('en-US')} cells`, 'TOO_MANY_COLUMNS');
      }
      at = i;
      if (selfClosing) continue; // <c r="B2" s="3"/>: formatting, no value

      // The cell's children: <v> (value), <f> (formula), <is> (inline string), until </c>.
      let valueStart = -1;
      let valueEnd = -1;
      let valueIsCdata = false;
      let inlineStart = -1;
      let inlineEnd = -1;
      let hasFormula = false;
      while (at < to) {
        if (buffer.charCodeAt(at) !== 60) {
          at = buffer.indexOf('<', at);
          if (at === -1 || at >= to) break;
        }
        if (buffer.charCodeAt(at + 1) === 47 /* / */) {
          const gt = buffer.indexOf('>', at); // </c>
          if (gt === -1 || gt >= to) this.#malformed(rowNumber, column, 'the cell does not end');
          at = gt + 1;
          break;
        }
        const childName = at + 1 + prefixLength;
        const first = buffer.charCodeAt(childName);
        if (first === 118 /* v */ && isTagBoundary(buffer.charCodeAt(childName + 1))) {
          const gt = buffer.indexOf('>', childName);
          if (gt === -1 || gt >= to) this.#malformed(rowNumber, column, 'the <v> tag does not end');
          if (buffer.charCodeAt(gt - 1) === 47) {
            at = gt + 1;
            continue;
          }
          valueStart = gt + 1;
          valueEnd = buffer.indexOf('<', valueStart); // value text never holds a raw "<", but may be a CDATA section
          if (valueEnd === valueStart && buffer.startsWith('<![CDATA[', valueEnd)) {
            valueStart += 9;
            valueEnd = buffer.indexOf(']]>', valueStart);
            if (valueEnd === -1 || valueEnd >= to) this.#malformed(rowNumber, column, 'a CDATA section does not end');
            valueIsCdata = true;
            at = buffer.indexOf('<', valueEnd);
          } else at = valueEnd;
          if (at === -1 || at >= to) this.#malformed(rowNumber, column, 'the <v> element does not end');
          const closeEnd = buffer.indexOf('>', at);
          if (closeEnd === -1 || closeEnd >= to) this.#malformed(rowNumber, column, 'the <v> element does not end');
          at = closeEnd + 1;
        } else if (first === 102 /* f */ && isTagBoundary(buffer.charCodeAt(childName + 1))) {
          hasFormula = true;
          const gt = buffer.indexOf('>', childName);
          if (gt === -1 || gt >= to) this.#malformed(rowNumber, column, 'the <f> tag does not end');
          if (buffer.charCodeAt(gt - 1) === 47) at = gt + 1;
          else {
            const lt = buffer.indexOf('<', gt);
            const closeEnd = lt === -1 ? -1 : buffer.indexOf('>', lt);
            if (lt === -1 || closeEnd === -1 || closeEnd >= to) this.#malformed(rowNumber, column, 'the <f> element does not end');
            at = closeEnd + 1;
          }
        } else if (first === 105 /* i */ && buffer.charCodeAt(childName + 1) === 115 /* s */ && isTagBoundary(buffer.charCodeAt(childName + 2))) {
          const gt = buffer.indexOf('>', childName);
          if (gt === -1 || gt >= to) this.#malformed(rowNumber, column, 'the <is> tag does not end');
          if (buffer.charCodeAt(gt - 1) === 47) {
            inlineStart = inlineEnd = gt + 1;
            at = gt + 1;
            continue;
          }
          inlineStart = gt + 1;
          inlineEnd = buffer.indexOf(inlineClose, inlineStart);
          if (inlineEnd === -1 || inlineEnd >= to) this.#malformed(rowNumber, column, 'the inline string (<is>) does not end');
          at = inlineEnd + inlineClose.length;
        } else {
          at = skipElement(buffer, at, to);
          if (at < 0) this.#malformed(rowNumber, column, 'an element of the cell is not closed');
        }
      }
      if (wanted !== undefined && (column < wanted.length ? wanted[column] === 0 : !wantBeyond)) {
        if (valueEnd > valueStart || inlineEnd > inlineStart || hasFormula) this.#rowHasContent = true;
        continue;
      }

      let value: Value | undefined;
      if (type === TYPE_INLINE && inlineStart !== -1) {
        value = ownString(richText(buffer, inlineStart, inlineEnd, prefix));
      } else if (valueStart !== -1) {
        // Plain numbers, the bulk of most sheets, are parsed without cutting a string out.
        const number = type === TYPE_NUMBER ? parseDecimal(buffer, valueStart, valueEnd) : Number.NaN;
        const shared = type === TYPE_SHARED && valueEnd > valueStart ? context.sharedStrings[parseDigits(buffer, valueStart, valueEnd)] : undefined;
        if (shared !== undefined) value = shared;
        else if (type === TYPE_BOOLEAN && valueEnd === valueStart + 1)
          value = buffer.charCodeAt(valueStart) === 49; // "1" / "0", without a slice
        else if (!Number.isNaN(number)) {
          value = style > 0 && context.dateStyles[style] === 1 ? (serialToDate(number, context.date1904) ?? number) : number;
        } else value = this.#convert(buffer.slice(valueStart, valueEnd), valueIsCdata, type, style, rowNumber, column);
      } else if (hasFormula) {
        context.onCellWarning(
          'formula-without-value',
          columnLetters(column) + rowNumber,
          'a formula without a cached value (the file was saved without calculating it)',
        );
      }
      if (hasFormula || (type === TYPE_ERROR && valueStart !== -1)) this.#rowHasContent = true;
      if (value === undefined || value === '') continue;
      this.#rowHasContent = true;
      values[column] = value;
      if (column >= width) width = column + 1;
    }
    return width;
  }

  #wantedOrUndefined(): Uint8Array | undefined {
    return this.wanted === undefined && this.wantBeyond ? undefined : (this.wanted ?? new Uint8Array(0));
  }

  #convert(raw: string, cdata: boolean, type: number, style: number, rowNumber: number, column: number): Value | undefined {
    switch (type) {
      case TYPE_NUMBER: {
        const number = +raw;
        if (raw === '' || Number.isNaN(number)) return raw === '' ? undefined : cellText(raw, cdata);
        if (style > 0 && this.#context.dateStyles[style] === 1) return serialToDate(number, this.#context.date1904) ?? number;
        return number;
      }
      case TYPE_SHARED: {
        const found = this.#context.sharedStrings[+raw];
        if (found === undefined) {
          this.#context.onCellWarning('bad-shared-string', columnLetters(column) + rowNumber, `shared string ${raw.slice(0, 24)} does not exist`);
          return undefined;
        }
        return found;
      }
      case TYPE_BOOLEAN:
        return parseBoolean(raw);
      case TYPE_ERROR:
        this.#context.onCellWarning('error-cell', columnLetters(column) + rowNumber, `an error value ${cellText(raw, cdata).slice(0, 64)}`);
        return undefined;
      case TYPE_DATE:
        // An ISO text that is not a date or time is kept as text rather than lost.
        return parseIsoDate(raw) ?? cellText(raw, cdata);
      default:
        // "str" (a formula's text result), an inlineStr stored in <v>, or an unknown type: text.
        return cellText(raw, cdata);
    }
  }
}

/** A value's text: entities decoded, or taken literally from CDATA; Excel's _xHHHH_ escapes apply to both. */
function cellText(raw: string, cdata: boolean): string {
  return ownString(decodeXmlText(cdata ? raw.replace(/&/g, '&amp;') : raw));
}

const TYPE_NUMBER = 0;
const TYPE_SHARED = 1;
const TYPE_STRING = 2;
const TYPE_INLINE = 3;
const TYPE_BOOLEAN = 4;
const TYPE_ERROR = 5;
const TYPE_DATE = 6;

/** The cell type attribute (`t`) as a small number, read without allocating a string. */
function typeCode(buffer: string, from: number, to: number): number {
  const first = buffer.charCodeAt(from);
  const length = to - from;
  if (length === 1) {
    if (first === 115 /* s */) return TYPE_SHARED;
    if (first === 110 /* n */) return TYPE_NUMBER;
    if (first === 98 /* b */) return TYPE_BOOLEAN;
    if (first === 101 /* e */) return TYPE_ERROR;
    if (first === 100 /* d */) return TYPE_DATE;
  }
  if (first === 105 /* i */ && buffer.startsWith('inlineStr', from)) return TYPE_INLINE;
  return TYPE_STRING;
}

/** A non-negative integer read in place; -1 when the text is not one. */
function parseDigits(buffer: string, from: number, to: number): number {
  if (to <= from) return -1;
  let value = 0;
  for (let at = from; at < to; at += 1) {
    const digit = buffer.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const powersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A plain decimal ("-12", "45123.25") parsed from the text in place. With at most 15 digits the
 * digits form an exact integer and one division by an exact power of ten rounds correctly, so the
 * result equals Number(text). Anything else (exponents, 16+ digits) returns NaN: the caller then
 * falls back to Number().
 */
function parseDecimal(buffer: string, from: number, to: number): number {
  let at = from;
  let negative = false;
  if (buffer.charCodeAt(at) === 45 /* - */) {
    negative = true;
    at += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = -1;
  for (; at < to; at += 1) {
    const code = buffer.charCodeAt(at);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits += 1;
    } else if (code === 46 /* . */ && scale === -1) scale = to - at - 1;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const value = scale > 0 ? mantissa / powersOfTen[scale]! : mantissa;
  return negative ? -value : value;
}

/**
 * Steps over an element the scanner does not read (`<extLst>`...), returning the position after
 * it, or -1 when it does not end within the row.
 */
function skipElement(buffer: string, at: number, to: number): number {
  const gt = buffer.indexOf('>', at);
  if (gt === -1 || gt >= to) return -1;
  if (
    buffer.charCodeAt(gt - 1) === 47 ||
    buffer.charCodeAt(at + 1) === 47 ||
    buffer.charCodeAt(at + 1) === 63 /* ? */ ||
    buffer.charCodeAt(at + 1) === 33 /* ! */
  )
    return gt + 1;
  let nameEnd = at + 1;
  while (nameEnd < gt && !isTagBoundary(buffer.charCodeAt(nameEnd))) nameEnd += 1;
  const close = buffer.indexOf(`</${buffer.slice(at + 1, nameEnd)}>`, gt);
  return close === -1 || close >= to ? -1 : close + nameEnd - at + 2;
}

/** The value of a `<row>` tag's `r` attribute as a number (0 when absent or not a number), read between `from` and `to`. */
function rowAttribute(buffer: string, from: number, to: number): number {
  let at = from;
  while (at < to) {
    const code = buffer.charCodeAt(at);
    if (code === 34 || code === 39) {
      // Skip another attribute's value: it may contain " r=".
      const close = buffer.indexOf(code === 34 ? '"' : "'", at + 1);
      if (close === -1 || close >= to) return 0;
      at = close + 1;
      continue;
    }
    if (code === 114 /* r */ && isSpace(buffer.charCodeAt(at - 1))) {
      let i = at + 1;
      while (i < to && isSpace(buffer.charCodeAt(i))) i += 1;
      if (buffer.charCodeAt(i) === 61 /* = */) {
        i += 1;
        while (i < to && isSpace(buffer.charCodeAt(i))) i += 1;
        const quote = buffer.charCodeAt(i);
        if (quote !== 34 && quote !== 39) return 0;
        let value = 0;
        for (i += 1; i < to; i += 1) {
          const digit = buffer.charCodeAt(i) - 48;
          if (digit < 0 || digit > 9) break;
          // Past 2^53 the number only needs to stay "too large".
          value = value * 10 + digit;
        }
        return buffer.charCodeAt(i) === quote ? value : 0;
      }
    }
    at += 1;
  }
  return 0;
}

/**
 * The 0-based column of a reference like "AB12" (letters only; `$` allowed). Stops counting once
 * past `maxColumn`: "ZZZZZZ" is simply too far, not a number to size a row by.
 */
function refColumn(buffer: string, from: number, to: number, maxColumn: number): number {
  let index = 0;
  for (let at = from; at < to; at += 1) {
    const code = buffer.charCodeAt(at) & ~32;
    if (code >= 65 && code <= 90) {
      index = index * 26 + code - 64;
      if (index > maxColumn + 1) return maxColumn + 1;
    } else if (code !== 4 /* '$' & ~32 */) break;
  }
  return index - 1;
}

export { columnIndexFromLetters };
