import { describe, expect, it } from 'vitest';
import { parseUseCols } from '../options/parse-use-cols.js';
import { columnIndexFromLetters, columnLetters, dateToSerial, parseIsoDate, serialToDate } from './cell-value.js';
import { isDateFormatCode, parseDateStyles } from './styles-date-formats.js';
import { decodeXmlText } from './xml-text.js';

describe('serial dates', () => {
  it('follows Excel in the 1900 system, phantom leap day included', () => {
    expect(serialToDate(1, false)).toEqual(new Date(Date.UTC(1900, 0, 1)));
    expect(serialToDate(59, false)).toEqual(new Date(Date.UTC(1900, 1, 28)));
    expect(serialToDate(61, false)).toEqual(new Date(Date.UTC(1900, 2, 1)));
    expect(serialToDate(45306.5, false)).toEqual(new Date(Date.UTC(2024, 0, 15, 12)));
    expect(serialToDate(0.75, false)).toEqual(new Date(Date.UTC(1899, 11, 30, 18)));
    expect(serialToDate(-1, false)).toBeUndefined();
  });

  it('uses 1904-01-01 as day zero in the 1904 system and rounds to the millisecond', () => {
    expect(serialToDate(0, true)).toEqual(new Date(Date.UTC(1904, 0, 1)));
    expect(serialToDate(43830, true)).toEqual(new Date(Date.UTC(2024, 0, 1)));
    expect(serialToDate(1.1 / 86_400, false)?.getUTCMilliseconds()).toBe(100);
  });

  it('converts back for writing', () => {
    for (const serial of [1, 59, 61, 45306.5, 0.25]) expect(dateToSerial(serialToDate(serial, false)!)).toBeCloseTo(serial, 9);
    expect(dateToSerial(new Date(Date.UTC(1899, 0, 1)))).toBeUndefined();
  });

  it('parses t="d" ISO text as UTC wall-clock time', () => {
    expect(parseIsoDate('2022-03-04')).toEqual(new Date(Date.UTC(2022, 2, 4)));
    expect(parseIsoDate('2022-03-04T05:06:07')).toEqual(new Date(Date.UTC(2022, 2, 4, 5, 6, 7)));
    expect(parseIsoDate('2022-03-04T05:06:07+02:00')).toEqual(new Date(Date.UTC(2022, 2, 4, 3, 6, 7)));
  });
});

describe('number formats', () => {
  it.each([
    ['yyyy-mm-dd', true],
    ['[$-409]d-mmm-yy;@', true],
    ['h:mm AM/PM', true],
    ['"Day "0', false],
    ['0.00E+00', false],
    ['#,##0.00 [$€-407]', false],
    ['[h]:mm:ss', false],
    ['General', false],
    ['[Red]0.00', false],
  ])('%s is a date: %s', (code, expected) => {
    expect(isDateFormatCode(code)).toBe(expected);
  });

  it('maps cellXfs to date flags through built-in and custom ids', () => {
    const styles = `<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.0%"/></numFmts>
      <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
      <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="46"/></cellXfs></styleSheet>`;
    expect([...parseDateStyles(styles)]).toEqual([0, 1, 1, 0, 0]);
  });
});

describe('useCols', () => {
  it('parses letters, ranges, lists and predicates', () => {
    expect(parseUseCols('A:C,E')).toEqual({ kind: 'positions', positions: new Set([0, 1, 2, 4]), strict: false });
    expect(parseUseCols('AA')).toEqual({ kind: 'positions', positions: new Set([26]), strict: false });
    expect(parseUseCols([3, 1])).toEqual({ kind: 'positions', positions: new Set([3, 1]), strict: true });
    expect(parseUseCols(['a', 'b', 'a'])).toEqual({ kind: 'names', names: ['a', 'b'] });
    expect(parseUseCols(undefined)).toEqual({ kind: 'all' });
    expect(parseUseCols(() => true).kind).toBe('predicate');
  });

  it('rejects a reversed range instead of reading it as its reverse', () => {
    expect(() => parseUseCols('Z:A')).toThrow('Invalid useCols: the range "Z:A" in "Z:A" runs backwards; write A:Z');
    expect(() => parseUseCols('A,d:b')).toThrow(/runs backwards; write B:D/);
  });

  it.each(['A:B:C', 'A,,B', '1:3', 'XFE'])('rejects %s', (spec) => {
    expect(() => parseUseCols(spec)).toThrow(/Invalid useCols/);
  });
  it('rejects mixed and empty lists', () => {
    expect(() => parseUseCols([1, 'a'] as never)).toThrow(/only names or only indices/);
    expect(() => parseUseCols([])).toThrow(/empty list/);
  });
});

describe('text', () => {
  it('decodes entities, Excel escapes and line ends', () => {
    expect(decodeXmlText('a &amp; b &lt;c&gt; &#233; &#x1F600; _x000D_ _x005F_x0041_ x\r\ny')).toBe('a & b <c> é 😀 \r _x0041_ x\ny');
  });
  it('converts column letters both ways', () => {
    for (const [letters, index] of [
      ['A', 0],
      ['Z', 25],
      ['AA', 26],
      ['XFD', 16383],
    ] as const) {
      expect(columnIndexFromLetters(letters)).toBe(index);
      expect(columnLetters(index)).toBe(letters);
    }
  });
});
