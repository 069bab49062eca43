import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * Random access to the workbook's bytes. A zip is read from its end (the central directory), so
 * the reader needs positioned reads, not one forward stream: a file handle or a buffer gives that.
 */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Promise<Buffer>;
  /** A forward stream of `length` bytes from `offset`, for inflating one entry in chunks. */
  stream(offset: number, length: number): Readable;
  close(): Promise<void>;
}

const streamChunkBytes = 256 * 1024;
// O_NONBLOCK does not exist on Windows, which has no FIFOs to block on in its file system either.
const nonBlocking: number | undefined = (constants as { O_NONBLOCK?: number }).O_NONBLOCK;

/** What a path is, when it is not a regular file. */
function kindOf(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function checkKind(stats: Stats, path: string): void {
  const kind = kindOf(stats);
  if (kind === undefined) return;
  throw Object.assign(new Error(`${path} is ${kind}`), { code: stats.isDirectory() ? 'EISDIR' : 'ENOTREGULAR', kind, path });
}

/**
 * A file opened once: every entry stream reads through this handle, so a file replaced on disk
 * mid-read (an atomic rename by a writer) is still read consistently from the version opened.
 */
export class FileByteSource implements ByteSource {
  readonly size: number;
  readonly #handle: FileHandle;

  private constructor(handle: FileHandle, size: number) {
    this.#handle = handle;
    this.size = size;
  }

  /**
   * Opens a regular file. A FIFO, socket or device is refused: opened for reading, a FIFO blocks
   * until a writer appears (for ever, beyond any signal or close()), and a device never ends. So the
   * path is opened non-blocking where the platform allows it (a FIFO then opens at once) and checked
   * on the open handle; elsewhere it is checked before opening.
   */
  static async open(path: string): Promise<FileByteSource> {
    if (nonBlocking === undefined) checkKind(await stat(path), path);
    const handle = await open(path, nonBlocking === undefined ? 'r' : constants.O_RDONLY | nonBlocking);
    try {
      const stats = await handle.stat();
      checkKind(stats, path);
      return new FileByteSource(handle, stats.size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    const buffer = Buffer.allocUnsafe(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await this.#handle.read(buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === wanted ? buffer : buffer.subarray(0, filled);
  }

  stream(offset: number, length: number): Readable {
    // Positioned reads through the shared handle; the stream never owns (or closes) it.
    const handle = this.#handle;
    const end = offset + length;
    let position = offset;
    return new Readable({
      highWaterMark: streamChunkBytes,
      read() {
        if (position >= end) {
          this.push(null);
          return;
        }
        const size = Math.min(streamChunkBytes, end - position);
        const chunk = Buffer.allocUnsafe(size);
        handle.read(chunk, 0, size, position).then(
          ({ bytesRead }) => {
            position += bytesRead;
            this.push(bytesRead === 0 ? null : bytesRead === size ? chunk : chunk.subarray(0, bytesRead));
          },
          (error: unknown) => this.destroy(error as Error),
        );
      },
    });
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

/** An upload already in memory. */
export class BufferByteSource implements ByteSource {
  readonly size: number;
  readonly #buffer: Buffer;

  constructor(buffer: Uint8Array) {
    this.#buffer = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.size = this.#buffer.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    return this.#buffer.subarray(offset, Math.min(this.size, offset + length));
  }

  stream(offset: number, length: number): Readable {
    const slice = this.#buffer.subarray(offset, Math.min(this.size, offset + length));
    const chunks: Buffer[] = [];
    for (let at = 0; at < slice.length; at += streamChunkBytes) chunks.push(slice.subarray(at, at + streamChunkBytes));
    return Readable.from(chunks, { objectMode: false });
  }

  async close(): Promise<void> {}
}
