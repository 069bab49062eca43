/** Converting Excel's stored cell values to JavaScript values. */

const msPerDay = 86_400_000;
const epoch1900 = Date.UTC(1899, 11, 30);
const epoch1904 = Date.UTC(1904, 0, 1);
const maxDateMs = 8.64e15;

/**
 * A date serial as a Date (UTC: a workbook stores wall-clock dates without a zone). In the 1900
 * system Excel keeps Lotus's phantom 1900-02-29 (serial 60), so serials 1-59 are one day off a
 * plain count; time-only values (serial < 1) land on 1899-12-30, the conventional zero date.
 * Rounded to the millisecond, since serials carry binary noise (0.1 s can be 0.09999999 s).
 * Returns undefined when the serial is outside what a Date can hold.
 */
export function serialToDate(serial: number, date1904: boolean): Date | undefined {
  if (!Number.isFinite(serial)) return undefined;
  let ms: number;
  if (date1904) ms = epoch1904 + serial * msPerDay;
  else if (serial >= 1 && serial < 61) ms = epoch1900 + (serial + 1) * msPerDay;
  else ms = epoch1900 + serial * msPerDay;
  if (serial < 0 || Math.abs(ms) > maxDateMs) return undefined;
  return new Date(Math.round(ms));
}

/**
 * A Date as an Excel serial in the 1900 system, the inverse of serialToDate (so dates before
 * 1900-03-01 account for the phantom leap day, which a plain day count gets wrong by one).
 * Undefined for dates Excel cannot hold: before 1900-01-01, except time-only values on 1899-12-30.
 */
export function dateToSerial(date: Date): number | undefined {
  const plain = (date.getTime() - epoch1900) / msPerDay;
  if (!Number.isFinite(plain) || plain < 0 || (plain >= 1 && plain < 2)) return undefined;
  return plain >= 2 && plain < 61 ? plain - 1 : plain;
}

const isoPattern = /^(?:(\d{4})-(\d\d)-(\d\d))?(?:(?:^|[T ])(\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d\d(?::?\d\d)?)?$/i;

/**
 * `t="d"` cells hold ISO 8601 text: a date, a date-time or a time only (`12:30:00`, which falls on
 * 1899-12-30 like a time-only serial). Without a zone it is wall-clock time, read as UTC like
 * serials. Undefined for text that is none of these.
 */
export function parseIsoDate(text: string): Date | undefined {
  const match = isoPattern.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (year === undefined && hour === undefined) return undefined;
  const [y, mo, d] = year === undefined ? [1899, 12, 30] : [+year, +month!, +day!];
  const [h, mi, s] = [+(hour ?? 0), +(minute ?? 0), +(second ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const ms = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  let time = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (y < 100) time = new Date(time).setUTCFullYear(y);
  // A day that does not exist (2023-02-30) would roll over into the next month.
  if (new Date(time).getUTCDate() !== d && h < 24) return undefined;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return Number.isFinite(time) ? new Date(time) : undefined;
}

/** `t="b"` cells: "1"/"0", and "true"/"false" from some generators. */
export function parseBoolean(text: string): boolean {
  return text === '1' || text.trim().toLowerCase() === 'true';
}

/** "AB" -> 27 (0-based: A is 0). */
export function columnIndexFromLetters(letters: string): number {
  let index = 0;
  for (let at = 0; at < letters.length; at += 1) index = index * 26 + (letters.charCodeAt(at) & ~32) - 64;
  return index - 1;
}

/** 27 -> "AB". */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
