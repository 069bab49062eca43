import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The path prefix of CloudFetch result files (served beside the Thrift endpoint, without a token, as cloud storage is). */
export const cloudFetchPathPrefix = '/__cloudfetch/';

/** How long a result link stays valid by default (Databricks' presigned links: at most 15 minutes). */
export const defaultLinkLifetimeMs = 15 * 60_000;

/**
 * CloudFetch (`URL_BASED_SET`): result files a warehouse writes to cloud storage, each one Arrow
 * IPC stream (schema, record batches, end of stream), LZ4-framed when the result says so, fetched
 * by the client through a presigned link. A file goes once it has been downloaded whole, or when
 * its link expires.
 */
export class CloudFetchFiles {
  readonly #files = new Map<string, { bytes: Buffer; expiresAt: number }>();

  constructor(readonly linkLifetimeMs = defaultLinkLifetimeMs) {}

  /** Stores one result file and returns its link. */
  add(bytes: Buffer, origin: string): { fileLink: string; expiryTime: number } {
    this.#sweep();
    const id = randomUUID();
    const expiresAt = Date.now() + this.linkLifetimeMs;
    this.#files.set(id, { bytes, expiresAt });
    return { fileLink: `${origin}${cloudFetchPathPrefix}${id}`, expiryTime: expiresAt };
  }

  get size(): number {
    return this.#files.size;
  }

  clear(): void {
    this.#files.clear();
  }

  serve(incoming: IncomingMessage, outgoing: ServerResponse): { status: number; route: string } {
    const route = `CloudFetch:${incoming.method ?? 'GET'}`;
    const id = (incoming.url ?? '').slice(cloudFetchPathPrefix.length).split('?')[0] ?? '';
    const file = this.#files.get(id);
    if (incoming.method !== 'GET' || !file || file.expiresAt < Date.now()) {
      outgoing.writeHead(403, { 'content-type': 'text/plain' });
      outgoing.end('AuthenticationFailed: the result link is unknown or expired.');
      return { status: 403, route };
    }
    // Dropped only once sent whole: a download cut short may be asked again.
    outgoing.on('finish', () => this.#files.delete(id));
    outgoing.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes.length) });
    outgoing.end(file.bytes);
    return { status: 200, route };
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, file] of this.#files) if (file.expiresAt < now) this.#files.delete(id);
  }
}
