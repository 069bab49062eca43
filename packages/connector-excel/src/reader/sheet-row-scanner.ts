import type { Value } from '@automl/connector-core';
import { columnIndexFromLetters, columnLetters, parseBoolean, parseIsoDate, serialToDate } from './cell-value.js';
import { decodeXmlText, ownString, richText, rootPrefix } from './xml-text.js';

export type CellWarningCode = 'error-cell' | 'formula-without-value' | 'bad-shared-string';

export interface ScanContext {
  sharedStrings: readonly string[];
  dateStyles: Uint8Array;
  date1904: boolean;
  onCellWarning(code: CellWarningCode, cell: string, detail: string): void;
}

/**
 * Receives each row: its 1-based sheet row number and its values by 0-based column (undefined where
 * the sheet stores nothing), valid only during the call, and whether the row is blank in every
 * column (selected or not, so choosing columns never changes which rows exist). Return false to stop.
 */
export type RowSink = (rowNumber: number, values: ReadonlyArray<Value | undefined>, width: number, blank: boolean) => boolean | undefined;

const isTagBoundary = (code: number) => code === 62 /* > */ || code === 32 || code === 47 /* / */ || code === 9 || code === 10 || code === 13;

/**
 * A forward-only scanner over a worksheet's XML text, fed in arbitrary chunks. It looks only for
 * what carries data (`<row>`, `<c>`, `<v>`, `<is>`, `<f>`) with indexOf over the text, which is
 * several times faster than a general SAX parser and keeps memory to one chunk plus one row.
 * Every search is bounded by the enclosing element, so a sheet without some attribute never makes
 * a search run to the end of the buffer.
 */
export class SheetRowScanner {
  /** Per column: 0 to skip converting its cells (columns not selected by useCols). */
  wanted: Uint8Array | undefined;
  /** Whether columns beyond `wanted` are converted. */
  wantBeyond = true;
  done = false;

  readonly #context: ScanContext;
  readonly #sink: RowSink;
  #buffer = '';
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
  }

  /** Feeds the next piece of sheet XML; complete rows are passed to the sink. */
  push(chunk: string): void {
    if (this.done) return;
    // join() builds a flat sequential string; `+` would build a rope, and every charCodeAt on a
    // rope takes a slower path.
    this.#buffer = this.#buffer.length === 0 ? chunk : [this.#buffer, chunk].join('');
    if (!this.#inSheetData && !this.#findSheetData()) return;
    const consumed = this.#scanRows();
    this.#buffer = consumed >= this.#buffer.length ? '' : this.#buffer.slice(consumed);
  }

  #findSheetData(): boolean {
    const buffer = this.#buffer;
    if (this.#prefix === undefined) {
      const prefix = rootPrefix(buffer, 'worksheet');
      if (prefix === undefined) return false;
      this.#setPrefix(prefix);
    }
    const open = `<${this.#prefix}sheetData`;
    let start = buffer.indexOf(open);
    while (start !== -1 && start + open.length < buffer.length && !isTagBoundary(buffer.charCodeAt(start + open.length))) start = buffer.indexOf(open, start + 1);
    if (start === -1 || start + open.length >= buffer.length) {
      // Keep only a tail long enough to hold a split tag: the sheet header (<cols>...) is not data.
      if (buffer.length > 65536) this.#buffer = buffer.slice(-256);
      return false;
    }
    const tagEnd = buffer.indexOf('>', start);
    if (tagEnd === -1) return false;
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

  /** Parses every complete row in the buffer; returns how far it got. */
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
      if (start + rowOpen.length >= buffer.length) return start;
      if (!isTagBoundary(buffer.charCodeAt(start + rowOpen.length))) {
        position = start + rowOpen.length;
        continue;
      }
      const tagEnd = buffer.indexOf('>', start);
      if (tagEnd === -1) return start;
      const rowNumber = this.#rowNumber(buffer, start + rowOpen.length, tagEnd);
      if (buffer.charCodeAt(tagEnd - 1) === 47) {
        // <row r="5"/>: a row with formatting only
        position = tagEnd + 1;
        if (this.#sink(rowNumber, this.#values, 0, true) === false) return this.#stop();
        continue;
      }
      const close = buffer.indexOf(rowClose, tagEnd);
      if (close === -1) return start;
      const width = this.#scanCells(buffer, tagEnd + 1, close, rowNumber);
      position = close + rowClose.length;
      const keepGoing = this.#sink(rowNumber, this.#values, width, !this.#rowHasContent);
      const values = this.#values;
      for (let column = 0; column < width; column += 1) values[column] = undefined;
      if (keepGoing === false) return this.#stop();
    }
    if (end !== -1) {
      this.done = true;
      return buffer.length;
    }
    return position;
  }

  #stop(): number {
    this.done = true;
    return this.#buffer.length;
  }

  #rowNumber(buffer: string, from: number, to: number): number {
    const r = findAttribute(buffer, from, to, 114 /* r */);
    const number = r === undefined ? this.#lastRow + 1 : Number(r);
    this.#lastRow = Number.isInteger(number) && number > 0 ? number : this.#lastRow + 1;
    return this.#lastRow;
  }

  /**
   * Fills #values for the cells between `from` and `to` (the row's content); returns the row's
   * width. Short hops are charCodeAt loops, which the JIT inlines; indexOf is kept for the longer
   * searches. Everything stays within the row, which the caller knows is complete.
   */
  #scanCells(buffer: string, from: number, to: number, rowNumber: number): number {
    const values = this.#values;
    const wanted = this.#wantedOrUndefined();
    const wantBeyond = this.wantBeyond;
    const prefixLength = this.#prefix?.length ?? 0;
    const context = this.#context;
    let width = 0;
    let column = -1;
    let at = from;
    this.#rowHasContent = false;
    while (at < to) {
      // The next element of the row: a cell, or something else (extLst...) to step over.
      if (buffer.charCodeAt(at) !== 60 /* < */) {
        at = buffer.indexOf('<', at);
        if (at === -1 || at >= to) break;
      }
      const nameStart = at + 1 + prefixLength;
      if (buffer.charCodeAt(nameStart) !== 99 /* c */ || !isTagBoundary(buffer.charCodeAt(nameStart + 1)) || (prefixLength > 0 && !buffer.startsWith(this.#prefix!, at + 1))) {
        at = skipElement(buffer, at, to);
        continue;
      }

      // Attributes r (reference), t (type) and s (style), in any order and either quote.
      let type = TYPE_NUMBER;
      let style = 0;
      let hasRef = false;
      let selfClosing = false;
      let i = nameStart + 1;
      for (;;) {
        let code = buffer.charCodeAt(i);
        while (code === 32 || code === 9 || code === 10 || code === 13) code = buffer.charCodeAt(++i);
        if (code === 62 /* > */) {
          i += 1;
          break;
        }
        if (code === 47 /* / */) {
          selfClosing = true;
          i += 2;
          break;
        }
        if (i >= to) return width; // malformed: no end of tag within the row
        const nameAt = i;
        while (code !== 61 /* = */ && code > 32) code = buffer.charCodeAt(++i);
        const nameLength = i - nameAt;
        while (code !== 34 && code !== 39) code = buffer.charCodeAt(++i); // to the opening quote
        const quote = code;
        const valueStart = ++i;
        while (buffer.charCodeAt(i) !== quote && i < to) i += 1;
        const valueEnd = i;
        i += 1;
        if (nameLength === 1) {
          const name = buffer.charCodeAt(nameAt);
          if (name === 114 /* r */) {
            column = refColumn(buffer, valueStart, valueEnd);
            hasRef = true;
          } else if (name === 116 /* t */) type = typeCode(buffer, valueStart, valueEnd);
          else if (name === 115 /* s */) style = Math.max(0, parseDigits(buffer, valueStart, valueEnd));
        }
      }
      if (!hasRef) column += 1;
      at = i;
      if (selfClosing) continue; // <c r="B2" s="3"/>: formatting, no value

      // The cell's children: <v> (value), <f> (formula), <is> (inline string), until </c>.
      let valueStart = -1;
      let valueEnd = -1;
      let inlineStart = -1;
      let inlineEnd = -1;
      let hasFormula = false;
      while (at < to) {
        if (buffer.charCodeAt(at) !== 60) {
          at = buffer.indexOf('<', at);
          if (at === -1 || at >= to) break;
        }
        if (buffer.charCodeAt(at + 1) === 47 /* / */) {
          at = buffer.indexOf('>', at) + 1; // </c>
          break;
        }
        const childName = at + 1 + prefixLength;
        const first = buffer.charCodeAt(childName);
        if (first === 118 /* v */ && isTagBoundary(buffer.charCodeAt(childName + 1))) {
          const gt = buffer.indexOf('>', childName);
          if (buffer.charCodeAt(gt - 1) === 47) {
            at = gt + 1;
            continue;
          }
          valueStart = gt + 1;
          valueEnd = buffer.indexOf('<', valueStart); // value text never holds a raw "<"
          at = buffer.indexOf('>', valueEnd) + 1;
        } else if (first === 102 /* f */ && isTagBoundary(buffer.charCodeAt(childName + 1))) {
          hasFormula = true;
          const gt = buffer.indexOf('>', childName);
          at = buffer.charCodeAt(gt - 1) === 47 ? gt + 1 : buffer.indexOf('>', buffer.indexOf('<', gt)) + 1;
        } else if (first === 105 /* i */ && buffer.charCodeAt(childName + 1) === 115 /* s */ && isTagBoundary(buffer.charCodeAt(childName + 2))) {
          const gt = buffer.indexOf('>', childName);
          if (buffer.charCodeAt(gt - 1) === 47) {
            inlineStart = inlineEnd = gt + 1;
            at = gt + 1;
            continue;
          }
          inlineStart = gt + 1;
          inlineEnd = buffer.indexOf(this.#inlineClose, inlineStart);
          at = inlineEnd + this.#inlineClose.length;
        } else at = skipElement(buffer, at, to);
      }
      if (wanted !== undefined && (column < wanted.length ? wanted[column] === 0 : !wantBeyond)) {
        if (valueEnd > valueStart || inlineEnd > inlineStart || hasFormula) this.#rowHasContent = true;
        continue;
      }

      let value: Value | undefined;
      if (type === TYPE_INLINE && inlineStart !== -1) {
        value = ownString(richText(buffer, inlineStart, inlineEnd, this.#prefix ?? ''));
      } else if (valueStart !== -1) {
        // Plain numbers, the bulk of most sheets, are parsed without cutting a string out.
        const number = type === TYPE_NUMBER ? parseDecimal(buffer, valueStart, valueEnd) : Number.NaN;
        const shared = type === TYPE_SHARED && valueEnd > valueStart ? context.sharedStrings[parseDigits(buffer, valueStart, valueEnd)] : undefined;
        if (shared !== undefined) value = shared;
        else if (!Number.isNaN(number)) {
          value = style > 0 && context.dateStyles[style] === 1 ? (serialToDate(number, context.date1904) ?? number) : number;
        } else value = this.#convert(buffer.slice(valueStart, valueEnd), type, style, rowNumber, column);
      } else if (hasFormula) {
        context.onCellWarning('formula-without-value', columnLetters(column) + rowNumber, 'a formula without a cached value (the file was saved without calculating it)');
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

  #convert(text: string, type: number, style: number, rowNumber: number, column: number): Value | undefined {
    switch (type) {
      case TYPE_NUMBER: {
        const number = +text;
        if (text === '' || Number.isNaN(number)) return text === '' ? undefined : ownString(decodeXmlText(text));
        if (style > 0 && this.#context.dateStyles[style] === 1) return serialToDate(number, this.#context.date1904) ?? number;
        return number;
      }
      case TYPE_SHARED: {
        const found = this.#context.sharedStrings[+text];
        if (found === undefined) {
          this.#context.onCellWarning('bad-shared-string', columnLetters(column) + rowNumber, `shared string ${text} does not exist`);
          return undefined;
        }
        return found;
      }
      case TYPE_BOOLEAN:
        return parseBoolean(text);
      case TYPE_ERROR:
        this.#context.onCellWarning('error-cell', columnLetters(column) + rowNumber, `an error value ${decodeXmlText(text)}`);
        return undefined;
      case TYPE_DATE:
        return parseIsoDate(text);
      default:
        // "str" (a formula's text result), an inlineStr stored in <v>, or an unknown type: text.
        return ownString(decodeXmlText(text));
    }
  }
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

/** Steps over an element the scanner does not read (`<extLst>`...), returning the position after it. */
function skipElement(buffer: string, at: number, to: number): number {
  const gt = buffer.indexOf('>', at);
  if (gt === -1 || gt >= to) return to;
  if (buffer.charCodeAt(gt - 1) === 47 || buffer.charCodeAt(at + 1) === 47 || buffer.charCodeAt(at + 1) === 63 /* ? */ || buffer.charCodeAt(at + 1) === 33 /* ! */) return gt + 1;
  let nameEnd = at + 1;
  while (!isTagBoundary(buffer.charCodeAt(nameEnd)) && nameEnd < gt) nameEnd += 1;
  const close = buffer.indexOf(`</${buffer.slice(at + 1, nameEnd)}>`, gt);
  return close === -1 || close >= to ? to : close + nameEnd - at + 2;
}

/** The value of a one-letter attribute in a tag, or undefined. */
function findAttribute(buffer: string, from: number, to: number, name: number): string | undefined {
  let at = from;
  while (at < to) {
    const eq = buffer.indexOf('=', at);
    if (eq === -1 || eq >= to) return undefined;
    const quote = buffer.charCodeAt(eq + 1) === 39 ? "'" : '"';
    const valueStart = buffer.indexOf(quote, eq) + 1;
    const valueEnd = buffer.indexOf(quote, valueStart);
    let nameEnd = eq;
    while (buffer.charCodeAt(nameEnd - 1) === 32) nameEnd -= 1;
    if (buffer.charCodeAt(nameEnd - 1) === name && buffer.charCodeAt(nameEnd - 2) <= 32) return buffer.slice(valueStart, valueEnd);
    at = valueEnd + 1;
  }
  return undefined;
}

/** The 0-based column of a reference like "AB12" (letters only; `$` allowed). */
function refColumn(buffer: string, from: number, to: number): number {
  let index = 0;
  for (let at = from; at < to; at += 1) {
    const code = buffer.charCodeAt(at) & ~32;
    if (code >= 65 && code <= 90) index = index * 26 + code - 64;
    else if (code !== 4 /* '$' & ~32 */) break;
  }
  return index - 1;
}

export { columnIndexFromLetters };
