import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { ByteSource } from './byte-source.js';
import { excelLimits, formatBytes } from './read-limits.js';

/** One file of the zip container, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
  readonly encrypted: boolean;
}

/** Why a container could not be read; the connector turns it into a DataError with this message. */
export class ZipFormatError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-zip' | 'corrupt' | 'unsupported' | 'too-large',
    /** The zip entry concerned, when there is one. */
    readonly part?: string,
  ) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const maxCommentBytes = 0xffff;

function u64(buffer: Buffer, offset: number): number {
  return Number(buffer.readBigUInt64LE(offset));
}

/**
 * The entries of a zip, read from its central directory (the authoritative index: local headers
 * of streamed zips carry zero sizes). Handles zip64, which very large sheets need.
 */
export async function readZipDirectory(source: ByteSource): Promise<Map<string, ZipEntry>> {
  if (source.size < 22) throw new ZipFormatError('the file is too small to be an .xlsx workbook (not a zip archive)', 'not-zip');
  const tailLength = Math.min(source.size, 22 + maxCommentBytes + 20);
  const tailOffset = source.size - tailLength;
  const tail = await source.read(tailOffset, tailLength);
  let eocd = -1;
  for (let at = tail.length - 22; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd === -1) {
    const head = await source.read(0, 4);
    const isZip = head.length === 4 && head.readUInt32LE(0) === LOCAL_HEADER;
    throw new ZipFormatError(
      isZip ? 'the workbook is truncated or corrupt (the zip central directory is missing)' : 'the file is not an .xlsx workbook (not a zip archive)',
      isZip ? 'corrupt' : 'not-zip',
    );
  }
  let entryCount = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new ZipFormatError('the workbook is corrupt (zip64 locator missing)', 'corrupt');
    const record = await source.read(u64(tail, locator + 8), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('the workbook is corrupt (zip64 directory missing)', 'corrupt');
    entryCount = u64(record, 32);
    directorySize = u64(record, 40);
    directoryOffset = u64(record, 48);
  }
  if (directoryOffset + directorySize > source.size)
    throw new ZipFormatError('the workbook is truncated or corrupt (the zip directory points past the end of the file)', 'corrupt');

  const directory = await source.read(directoryOffset, directorySize);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let index = 0; index < entryCount; index += 1) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER) {
      throw new ZipFormatError('the workbook is corrupt (bad zip directory entry)', 'corrupt');
    }
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    if (at + 46 + nameLength + extraLength + commentLength > directory.length) {
      throw new ZipFormatError('the workbook is corrupt (a zip directory entry runs past the directory)', 'corrupt');
    }
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
    // Zip64 sizes live in extra field 0x0001, only for the fields saturated in the fixed header.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra);
      const size = directory.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        const fieldEnd = Math.min(extraEnd, field + size);
        const next = () => {
          if (field + 8 > fieldEnd) throw new ZipFormatError('the workbook is corrupt (a zip64 size field is cut short)', 'corrupt');
          const value = u64(directory, field);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      extra += 4 + size;
    }
    // Some home-grown writers use Windows separators; parts are named case-insensitively (OPC).
    entries.set(normaliseEntryName(name), { name, method, compressedSize, uncompressedSize, localHeaderOffset, encrypted: (flags & 1) === 1 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The key an entry is stored under: forward slashes, no leading slash, lower case. */
export function normaliseEntryName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

/** The bytes of one entry, inflated, as a stream of chunks. */
export async function openEntryStream(source: ByteSource, entry: ZipEntry): Promise<Readable> {
  if (entry.encrypted) throw new ZipFormatError(`the zip entry ${entry.name} is encrypted`, 'unsupported');
  const header = await source.read(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) {
    throw new ZipFormatError(`the workbook is corrupt (bad local header for ${entry.name})`, 'corrupt');
  }
  const dataOffset = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataOffset + entry.compressedSize > source.size) throw new ZipFormatError(`the workbook is truncated (${entry.name} is cut off)`, 'corrupt');
  const raw = source.stream(dataOffset, entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method !== 8)
    throw new ZipFormatError(`${entry.name} uses zip compression method ${entry.method}; only stored and deflate are supported`, 'unsupported');
  const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
  raw.on('error', (error) => inflate.destroy(error));
  // If the consumer stops early, the file stream must stop too.
  inflate.on('close', () => raw.destroy());
  return raw.pipe(inflate);
}

/**
 * An entry's inflated bytes, never more than `limit` nor more than its directory entry declares:
 * a zip bomb (a small file that inflates to gigabytes) or a lying size is refused with a
 * ZipFormatError naming the part, before it costs memory or time. The declared size is checked
 * before inflating anything.
 */
export async function* inflatedChunks(source: ByteSource, entry: ZipEntry, limit: number): AsyncGenerator<Buffer> {
  if (entry.uncompressedSize > limit) throw tooLarge(entry, limit);
  const stream = await openEntryStream(source, entry);
  // Some writers leave the size at 0 in the directory; the limit alone bounds those.
  const declared = entry.uncompressedSize > 0 ? entry.uncompressedSize : Number.POSITIVE_INFINITY;
  let inflated = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > limit) throw tooLarge(entry, limit);
      if (inflated > declared) {
        throw new ZipFormatError(
          `the workbook is corrupt: ${entry.name} inflates to more than the ${entry.uncompressedSize} bytes its zip entry declares`,
          'corrupt',
          entry.name,
        );
      }
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}

function tooLarge(entry: ZipEntry, limit: number): ZipFormatError {
  const size = entry.uncompressedSize > limit ? ` (${formatBytes(entry.uncompressedSize)} declared)` : '';
  return new ZipFormatError(`${entry.name} inflates to more than ${formatBytes(limit)}${size}, more than a workbook part may hold`, 'too-large', entry.name);
}

/** A whole (small) entry as text: workbook.xml, rels, styles. */
export async function readEntryText(source: ByteSource, entry: ZipEntry, limit = excelLimits.maxSmallPartBytes): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  const pieces: string[] = [];
  for await (const chunk of inflatedChunks(source, entry, limit)) pieces.push(decoder.decode(chunk, { stream: true }));
  pieces.push(decoder.decode());
  return stripBom(pieces.join(''));
}

/**
 * Entry text in chunks, decoded as UTF-8 across chunk boundaries (or UTF-16 when the part starts
 * with its byte-order mark, which the OPC standard allows).
 */
export async function* entryTextChunks(source: ByteSource, entry: ZipEntry, limit: number, onBytes?: (compressed: number) => void): AsyncGenerator<string> {
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 1;
  for await (const chunk of inflatedChunks(source, entry, limit)) {
    if (!decoder) {
      const utf16 = chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff));
      decoder = new TextDecoder(utf16 ? (chunk[0] === 0xff ? 'utf-16le' : 'utf-16be') : 'utf-8');
    }
    // Bytes of the file, estimated from the inflated chunk: what the read took from the system.
    onBytes?.(Math.round(chunk.length * ratio));
    yield decoder.decode(chunk, { stream: true });
  }
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
