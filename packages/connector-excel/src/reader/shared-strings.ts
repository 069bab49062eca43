import type { ByteSource } from './byte-source.js';
import { entryTextChunks, type ZipEntry } from './zip-entries.js';
import { ownString, richText, rootPrefix } from './xml-text.js';

/**
 * The shared-string table: every distinct text of the workbook, which cells reference by index.
 * It is the one table a reader must hold in memory (any cell may point at any entry), so it is
 * parsed in streaming chunks and only the decoded strings are kept, never the XML.
 */
export async function readSharedStrings(source: ByteSource, entry: ZipEntry | undefined, signal?: AbortSignal): Promise<string[]> {
  const strings: string[] = [];
  if (!entry) return strings;
  let buffer = '';
  let prefix: string | undefined;
  for await (const chunk of entryTextChunks(source, entry)) {
    signal?.throwIfAborted();
    buffer += chunk;
    if (prefix === undefined) {
      prefix = rootPrefix(buffer, 'sst');
      if (prefix === undefined) continue;
    }
    const open = `<${prefix}si`;
    const close = `</${prefix}si>`;
    let position = 0;
    for (;;) {
      const start = buffer.indexOf(open, position);
      if (start === -1 || start + open.length >= buffer.length) break;
      const next = buffer.charCodeAt(start + open.length);
      if (next !== 62 && next !== 47 && next !== 32 && next !== 9 && next !== 10 && next !== 13) {
        position = start + open.length;
        continue;
      }
      const tagEnd = buffer.indexOf('>', start);
      if (tagEnd === -1) break;
      if (buffer.charCodeAt(tagEnd - 1) === 47) {
        strings.push('');
        position = tagEnd + 1;
        continue;
      }
      const end = buffer.indexOf(close, tagEnd);
      if (end === -1) break;
      strings.push(ownString(richText(buffer, tagEnd + 1, end, prefix)));
      position = end + close.length;
    }
    buffer = buffer.slice(position);
  }
  return strings;
}
