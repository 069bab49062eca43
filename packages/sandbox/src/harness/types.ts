import type { IncomingHttpHeaders } from 'node:http';

/** What a route handler sees of one request. */
export interface EmulatorRequest {
  method: string;
  url: URL;
  path: string;
  /** `:name` segments of the route pattern. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The body parsed as JSON or a form, when it is one. */
  body: unknown;
  /** The route's name, as used for fault injection and the request log. */
  route: string;
  /** Set by the emulator's authenticate hook: who is calling (a token, a service account). */
  principal?: string;
  /** When a partial-failure fault is active on this route: the reason an item must fail, if it must. */
  partialFailure?: (item: unknown, index: number) => string | undefined;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string or Buffer. */
  body?: unknown;
}

export type RouteHandler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface Route {
  method: string;
  /** A path pattern: `/crm/v3/objects/:objectType/batch/upsert`. A `:name*` segment matches the rest. */
  path: string;
  name: string;
  handler: RouteHandler;
  /** Requests on this route do not count against the emulated rate limit. */
  unmetered?: boolean;
}

/** One request as the emulator received and answered it. */
export interface RecordedRequest {
  /** When the answer was recorded (after faults and the handler). */
  at: number;
  /** When the request arrived, before its body was read: what a vendor's rate window counts. */
  arrivedAt?: number;
  method: string;
  path: string;
  query: string;
  route: string;
  status: number;
  body: unknown;
  principal?: string;
  /** Whether an injected fault produced the answer. */
  faulted: boolean;
  /** Set when the client closed the connection before the answer was sent (it stopped waiting). */
  abandoned?: boolean;
}
