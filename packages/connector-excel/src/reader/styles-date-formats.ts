import { elementBody, parseAttributes, startTags } from './xml-text.js';

/**
 * Which cell styles show a number as a date. Excel stores dates as serial numbers; the only thing
 * that makes one a date is its number format, found through the cell's style (`s`) -> cellXfs ->
 * numFmtId -> a built-in id or a custom format code.
 */

// Built-in date/time formats: 14-22 and 45-47 everywhere, 27-36 and 50-58 in East Asian locales.
const builtInDateIds = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
// 45-47 are mm:ss, [h]:mm:ss and mm:ss.0: 46 is a duration, not a point in time.
const builtInDurationIds = new Set([46]);

/**
 * Whether a custom number format code formats a date or time. Quoted text, escaped characters and
 * bracketed locale/colour tags (`[$-409]`, `[Red]`) are removed first: `"Day "0` is not a date.
 * Elapsed-time formats (`[h]:mm`) are durations, which stay numbers (days).
 */
export function isDateFormatCode(code: string): boolean {
  const section = code.split(';')[0] ?? '';
  if (/\[(h+|m+|s+)\]/i.test(section)) return false;
  const stripped = section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/_.|\*./g, '')
    .replace(/\[[^\]]*\]/g, '');
  if (/^general$/i.test(stripped.trim())) return false;
  return /[dmyhs]/i.test(stripped.replace(/E[+-]/gi, ''));
}

/** One flag per cellXfs index: 1 when a numeric cell in that style is a date. */
export function parseDateStyles(stylesXml: string | undefined): Uint8Array {
  if (!stylesXml) return new Uint8Array(0);
  const customCodes = new Map<number, string>();
  for (const tag of startTags(elementBody(stylesXml, 'numFmts') ?? '', 'numFmt')) {
    const attributes = parseAttributes(tag);
    const id = Number(attributes.numFmtId);
    if (Number.isInteger(id) && attributes.formatCode !== undefined) customCodes.set(id, attributes.formatCode);
  }
  const xfs = startTags(elementBody(stylesXml, 'cellXfs') ?? '', 'xf');
  const flags = new Uint8Array(xfs.length);
  xfs.forEach((tag, index) => {
    const id = Number(parseAttributes(tag).numFmtId ?? 0);
    const custom = customCodes.get(id);
    // A custom code may redefine a built-in id (LibreOffice does); the code then decides.
    flags[index] = custom !== undefined ? (isDateFormatCode(custom) ? 1 : 0) : builtInDateIds.has(id) && !builtInDurationIds.has(id) ? 1 : 0;
  });
  return flags;
}
