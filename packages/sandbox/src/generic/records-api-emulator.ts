import { EmulatorServer } from '../harness/emulator-server.js';
import type { EmulatorResponse } from '../harness/types.js';

export interface RecordsApiOptions {
  /** Bearer token the API accepts. */
  token?: string;
  rateLimit?: { limit: number; windowMs: number };
  pageSize?: number;
}

/**
 * A small generic JSON records API (list with cursor paging, idempotent PUT by key, non-idempotent
 * POST) with bearer auth. Core's own tests of the resilience policy run against it, so the policy is
 * proven on real HTTP before any vendor emulator exists.
 */
export function createRecordsApiEmulator(options: RecordsApiOptions = {}) {
  const records = new Map<string, Record<string, unknown>>();
  let sequence = 0;
  const pageSize = options.pageSize ?? 100;
  const error = (status: number, message: string): EmulatorResponse => ({ status, body: { error: { status, message } } });

  const server = new EmulatorServer({
    name: 'records-api',
    errorResponse: (status, message) => error(status, message),
    rateLimit: options.rateLimit,
    authenticate: (request) => {
      const expected = options.token ?? 'records-test-token';
      const header = request.headers.authorization ?? '';
      return header === `Bearer ${expected}` ? { principal: expected.slice(0, 4) } : error(401, 'invalid or expired token');
    },
    routes: [
      {
        method: 'GET',
        path: '/records',
        name: 'list',
        handler: (request) => {
          const all = [...records.values()];
          const after = Number(request.url.searchParams.get('after') ?? 0);
          const limit = Math.min(pageSize, Number(request.url.searchParams.get('limit') ?? pageSize));
          const page = all.slice(after, after + limit);
          const next = after + limit < all.length ? String(after + limit) : undefined;
          return { status: 200, body: { results: page, ...(next ? { paging: { next: { after: next } } } : {}) } };
        },
      },
      {
        method: 'PUT',
        path: '/records/:key',
        name: 'put',
        handler: (request) => {
          const existed = records.has(request.params.key!);
          records.set(request.params.key!, { key: request.params.key, ...(request.body as object) });
          return { status: existed ? 200 : 201, body: records.get(request.params.key!) };
        },
      },
      {
        method: 'POST',
        path: '/records',
        name: 'create',
        handler: (request) => {
          sequence += 1;
          const key = `r${sequence}`;
          records.set(key, { key, ...(request.body as object) });
          return { status: 201, body: records.get(key) };
        },
      },
    ],
  });
  return Object.assign(server, { records });
}
