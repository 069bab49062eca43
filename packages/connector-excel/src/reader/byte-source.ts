import { open, type FileHandle } from 'node:fs/promises';
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

  static async open(path: string): Promise<FileByteSource> {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path} is a directory`), { code: 'EISDIR', path });
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
