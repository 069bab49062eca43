import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DatabricksSqlError } from './databricks-sql-errors.js';

/** The path prefix of the emulator's presigned URLs (served beside the Thrift endpoint, without a token). */
export const presignedPathPrefix = '/__volumes/';

/** How long a presigned URL stays valid (Databricks' are short-lived). */
const presignedLifetimeMs = 15 * 60_000;

/**
 * The header a presigned upload must carry back (Azure's blob type header, as Databricks returns it
 * for ADLS-backed volumes): the driver copies the headers of the staging result into its request.
 */
const uploadHeaders = { 'x-ms-blob-type': 'BlockBlob' };

interface Presigned {
  method: 'PUT' | 'GET' | 'DELETE';
  volumePath: string;
  expiresAt: number;
}

/**
 * Unity Catalog volumes: files under `/Volumes/<catalog>/<schema>/<volume>/...`, kept in a
 * temporary directory so that DuckDB can read them for COPY INTO. The staging statements (PUT,
 * GET, REMOVE) do not move bytes through Thrift: they answer with a presigned URL the driver then
 * sends the file to (or reads it from, or deletes), as on Databricks.
 */
export class DatabricksVolumes {
  #root: string | undefined;
  readonly #presigned = new Map<string, Presigned>();
  /** Files COPY INTO loaded, per target table: loading them again is skipped (COPY INTO is idempotent per file). */
  readonly #loaded = new Map<string, Set<string>>();

  start(): void {
    this.#root ??= mkdtempSync(join(tmpdir(), 'automl-databricks-volumes-'));
  }

  stop(): void {
    if (this.#root) rmSync(this.#root, { recursive: true, force: true });
    this.#root = undefined;
    this.#presigned.clear();
    this.#loaded.clear();
  }

  reset(): void {
    this.stop();
    this.start();
  }

  get #base(): string {
    if (!this.#root) throw new Error('databricks emulator: volumes not started');
    return this.#root;
  }

  /** The local file behind a volume path; throws Databricks' error for a path outside /Volumes. */
  localPath(volumePath: string): string {
    const path = normalizeVolumePath(volumePath);
    return join(this.#base, path);
  }

  exists(volumePath: string): boolean {
    return existsSync(this.localPath(volumePath));
  }

  /** Files at a volume path (the path itself when it is a file, else every file under it), as volume paths. */
  list(volumePath: string): string[] {
    const local = this.localPath(volumePath);
    if (!existsSync(local)) return [];
    if (statSync(local).isFile()) return [normalizeVolumePath(volumePath)];
    return this.#walk(local);
  }

  #walk(local: string): string[] {
    const found: string[] = [];
    const walk = (directory: string) => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const full = join(directory, entry.name);
        if (entry.isDirectory()) walk(full);
        else found.push(`/${relative(this.#base, full)}`);
      }
    };
    walk(local);
    return found.sort();
  }

  /** Every file in every volume (for tests). */
  allFiles(): string[] {
    const root = join(this.#base, 'Volumes');
    return existsSync(root) ? this.#walk(root) : [];
  }

  /** Puts bytes at a volume path directly (a test seeding a volume). */
  write(volumePath: string, content: string | Buffer): void {
    const local = this.localPath(volumePath);
    mkdirSync(dirname(local), { recursive: true });
    writeFileSync(local, content);
  }

  /** A presigned URL on `origin` for one staging operation, and the headers the client must send with it. */
  presign(method: Presigned['method'], volumePath: string, origin: string): { url: string; headers: Record<string, string> } {
    const path = normalizeVolumePath(volumePath);
    const id = randomUUID();
    this.#presigned.set(id, { method, volumePath: path, expiresAt: Date.now() + presignedLifetimeMs });
    return { url: `${origin}${presignedPathPrefix}${id}`, headers: method === 'PUT' ? { ...uploadHeaders } : {} };
  }

  /** Whether COPY INTO already loaded `file` into `table`. */
  alreadyLoaded(table: string, file: string): boolean {
    return this.#loaded.get(table)?.has(file) === true;
  }

  /** A dropped table's load history goes with it: a table created again under its name loads every file. */
  forgetTable(table: string): void {
    this.#loaded.delete(table);
  }

  markLoaded(table: string, file: string): void {
    const files = this.#loaded.get(table) ?? new Set<string>();
    files.add(file);
    this.#loaded.set(table, files);
  }

  /** Serves one request to a presigned URL (PUT uploads, GET downloads, DELETE removes). */
  serve(incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer): { status: number; route: string } {
    const id = (incoming.url ?? '').slice(presignedPathPrefix.length).split('?')[0] ?? '';
    const presigned = this.#presigned.get(id);
    const route = `Volume:${incoming.method ?? 'GET'}`;
    const answer = (status: number, text = '') => {
      outgoing.writeHead(status, { 'content-type': 'text/plain' });
      outgoing.end(text);
      return { status, route };
    };
    if (!presigned || presigned.expiresAt < Date.now()) return answer(403, 'AuthenticationFailed: the presigned URL is unknown or expired.');
    if (presigned.method !== incoming.method) return answer(403, 'AuthenticationFailed: the presigned URL was not signed for this method.');
    const local = this.localPath(presigned.volumePath);
    switch (presigned.method) {
      case 'PUT': {
        for (const [name, value] of Object.entries(uploadHeaders)) {
          if (incoming.headers[name] !== value) return answer(400, `MissingRequiredHeader: ${name}`);
        }
        if (Number(incoming.headers['content-length']) !== body.length) return answer(400, 'InvalidHeaderValue: Content-Length');
        mkdirSync(dirname(local), { recursive: true });
        writeFileSync(local, body);
        this.#presigned.delete(id);
        return answer(201);
      }
      case 'GET': {
        if (!existsSync(local)) return answer(404, 'BlobNotFound');
        outgoing.writeHead(200, { 'content-type': 'application/octet-stream' });
        outgoing.end(readFileSync(local));
        return { status: 200, route };
      }
      case 'DELETE': {
        if (!existsSync(local)) return answer(404, 'BlobNotFound');
        rmSync(local, { force: true });
        this.#presigned.delete(id);
        return answer(202);
      }
    }
  }
}

/** `/Volumes/c/s/v/...` or `dbfs:/Volumes/...`, normalized; anything else is refused as Databricks does. */
export function normalizeVolumePath(volumePath: string): string {
  const path = volumePath.replace(/^dbfs:/, '').replace(/\/+$/, '');
  const parts = path.split('/');
  if (
    parts[0] !== '' ||
    parts[1] !== 'Volumes' ||
    parts.length < 5 ||
    parts.some((part, index) => index > 0 && (part === '' || part === '..' || part === '.'))
  ) {
    throw new DatabricksSqlError(
      'INVALID_VOLUME_PATH',
      '42K05',
      `The path ${volumePath} is not a volume path: use /Volumes/<catalog>/<schema>/<volume>/<path>.`,
    );
  }
  return path;
}
