import { DataError } from '@automl/connector-core';
import type { ByteSource } from './byte-source.js';
import { excelLimits, formatBytes, type ReadLimits } from './read-limits.js';
import { entryTextChunks, type ZipEntry } from './zip-entries.js';
import { ownString, richText, rootPrefix } from './xml-text.js';

const isItemBoundary = (code: number) => code === 62 || code === 47 || code === 32 || code === 9 || code === 10 || code === 13;

/**
 * The shared-string table: every distinct text of the workbook, which cells reference by index.
 * It is the one table a reader must hold in memory (any cell may point at any entry), so it is
 * parsed in streaming chunks and only the decoded strings are kept, never the XML. As in the row
 * scanner, an item split across chunks is searched for its end in each new chunk only, and items,
 * their count and the part's inflated size are bounded.
 */
export async function readSharedStrings(
  source: ByteSource,
  entry: ZipEntry | undefined,
  signal?: AbortSignal,
  limits: Partial<ReadLimits> = {},
): Promise<string[]> {
  const { maxStringItemChars, maxSharedStrings, maxSharedStringsBytes } = { ...excelLimits, ...limits };
  const strings: string[] = [];
  if (!entry) return strings;
  const fail = (detail: string, code: string) =>
    new DataError({
      message: `Cannot read the shared strings (${entry.name}): ${detail}`,
      connector: 'excel',
      operation: 'read',
      code,
      hint: 'The workbook is damaged or was crafted; open and re-save it in Excel or LibreOffice.',
    });
  let buffer = '';
  // While an item is incomplete: its text in pieces and what completes it.
  let pieces: string[] = [];
  let pending = 0;
  let waitFor: string | undefined;
  let prefix: string | undefined;
  let open = '<si';
  let close = '</si>';
  for await (const chunk of entryTextChunks(source, entry, maxSharedStringsBytes)) {
    signal?.throwIfAborted();
    if (waitFor !== undefined) {
      const last = pieces[pieces.length - 1]!;
      const window = last.slice(Math.max(0, last.length - waitFor.length + 1)) + chunk;
      pieces.push(chunk);
      pending += chunk.length;
      if (window.indexOf(waitFor) === -1) {
        if (pending > maxStringItemChars) throw fail(`string ${strings.length} is larger than ${formatBytes(maxStringItemChars)} of XML`, 'STRING_TOO_LARGE');
        continue;
      }
      buffer = pieces.join('');
      pieces = [];
      pending = 0;
      waitFor = undefined;
    } else buffer = buffer.length === 0 ? chunk : [buffer, chunk].join('');
    if (prefix === undefined) {
      prefix = rootPrefix(buffer, 'sst');
      if (prefix === undefined) {
        if (buffer.length > 1024 * 1024) throw fail('the part has no <sst> element', 'MALFORMED');
        continue;
      }
      open = `<${prefix}si`;
      close = `</${prefix}si>`;
    }
    let position = 0;
    for (;;) {
      const start = buffer.indexOf(open, position);
      if (start === -1) {
        // Keep a tail that may hold a split "<si".
        position = Math.max(position, buffer.length - open.length);
        break;
      }
      if (start + open.length >= buffer.length) {
        position = start;
        waitFor = '>';
        break;
      }
      if (!isItemBoundary(buffer.charCodeAt(start + open.length))) {
        position = start + open.length;
        continue;
      }
      const tagEnd = buffer.indexOf('>', start);
      if (tagEnd === -1) {
        position = start;
        waitFor = '>';
        break;
      }
      if (buffer.charCodeAt(tagEnd - 1) === 47) {
        strings.push('');
        position = tagEnd + 1;
      } else {
        const end = buffer.indexOf(close, tagEnd);
        if (end === -1) {
          position = start;
          waitFor = close;
          break;
        }
        if (end - start > maxStringItemChars)
          throw fail(`string ${strings.length} is larger than ${formatBytes(maxStringItemChars)} of XML`, 'STRING_TOO_LARGE');
        strings.push(ownString(richText(buffer, tagEnd + 1, end, prefix)));
        position = end + close.length;
      }
      if (strings.length > maxSharedStrings) throw fail(`it holds more than ${maxSharedStrings.toLocaleString('en-US')} strings`, 'PART_TOO_LARGE');
    }
    const rest = position >= buffer.length ? '' : buffer.slice(position);
    buffer = '';
    if (waitFor !== undefined) {
      pieces = [rest];
      pending = rest.length;
    } else buffer = rest;
  }
  if (waitFor === close) throw fail(`string ${strings.length} is not closed (no </si> before the end of the part)`, 'MALFORMED');
  return strings;
}
