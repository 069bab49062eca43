import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjector, type Fault } from './faults.js';
import { RateWindow } from './rate-window.js';
import { RouteMatcher } from './route-matcher.js';
import type { EmulatorRequest, EmulatorResponse, RecordedRequest, Route } from './types.js';

export interface EmulatorOptions {
  /** Shown in logs and errors: `hubspot`, `googlesheets`. */
  name: string;
  routes: Route[];
  /**
   * Checks the credentials of a request. Returns the caller's identity, or a response (the vendor's
   * 401/403) to send instead. Called before faults and rate limiting, as the vendors do.
   */
  authenticate?: (request: EmulatorRequest) => { principal: string } | EmulatorResponse | Promise<{ principal: string } | EmulatorResponse>;
  /** The vendor's error body for a status (used for injected faults, 404s, 429s). */
  errorResponse: (status: number, message: string, detail?: { retryAfterSeconds?: number; kind?: string }) => EmulatorResponse;
  /** Quota enforcement: `limit` requests per `windowMs` per principal, answered with the vendor's 429. */
  rateLimit?: {
    limit: number;
    windowMs: number;
    /** Vendor rate-limit headers on every metered response (X-HubSpot-RateLimit-*...). */
    headers?: (state: { limit: number; remaining: number; windowMs: number }) => Record<string, string>;
  };
  /** Persistence of the emulator's state between runs (the demo's offline sandbox). */
  state?: { export(): unknown; import(data: unknown): void };
  /** Log each request to stderr (debugging). */
  verbose?: boolean;
  /**
   * Longest request target (path and query) answered; longer ones get the vendor's 414 before
   * routing or authentication, as a vendor's edge refuses them. Unlimited when omitted.
   */
  maxUrlLength?: number;
}

export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A JSON file the state is loaded from at start and saved to after each change. */
  statePath?: string;
}

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An HTTP server on loopback that plays a vendor API: routes, credentials, quota, fault injection
 * and a request log. Each vendor emulator supplies its routes and error shapes; this class supplies
 * everything they have in common.
 */
export class EmulatorServer {
  readonly name: string;
  readonly faults = new FaultInjector();
  readonly requests: RecordedRequest[] = [];
  #inFlight = 0;
  #peakInFlight = 0;
  readonly rateWindow: RateWindow | undefined;
  readonly #options: EmulatorOptions;
  readonly #matcher: RouteMatcher;
  #server: Server | undefined;
  #baseUrl: string | undefined;
  #statePath: string | undefined;

  constructor(options: EmulatorOptions) {
    this.name = options.name;
    this.#options = options;
    this.#matcher = new RouteMatcher(options.routes);
    this.rateWindow = options.rateLimit ? new RateWindow(options.rateLimit.limit, options.rateLimit.windowMs) : undefined;
  }

  /** The base URL once started, e.g. http://127.0.0.1:43117 */
  get url(): string {
    if (!this.#baseUrl) throw new Error(`${this.name} emulator is not started`);
    return this.#baseUrl;
  }

  async start(options: StartOptions = {}): Promise<string> {
    if (this.#baseUrl) return this.#baseUrl;
    this.#statePath = options.statePath;
    if (this.#statePath && this.#options.state && existsSync(this.#statePath)) {
      this.#options.state.import(JSON.parse(readFileSync(this.#statePath, 'utf8')));
    }
    // Node's own limit on the request head (16 KB) would answer 431 before any route runs; raised
    // so that the emulator's `maxUrlLength`, the vendor's behaviour, is what a long URL meets.
    const server = createServer({ maxHeaderSize: 256 * 1024 }, (request, response) => {
      this.#inFlight += 1;
      this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
      this.#handle(request, response)
        .catch((error: unknown) => {
          if (!response.headersSent) {
            response.writeHead(500, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ error: String((error as Error)?.message ?? error) }));
          }
        })
        .finally(() => {
          this.#inFlight -= 1;
        });
    });
    // Vendors keep idle connections open for minutes; a 1 s timeout announces `keep-alive: timeout=1`,
    // which Node's agents (keeping a 1 s margin) never reuse, so every request paid a new connection
    // and skewed every benchmark. stop() closes what is left open.
    server.keepAliveTimeout = 30_000;
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.#baseUrl = `http://${host}:${port}`;
    return this.#baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#baseUrl = undefined;
    if (!server) return;
    this.saveState();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Writes the state file now (atomically), when persistence is on. */
  saveState(): void {
    if (!this.#statePath || !this.#options.state) return;
    mkdirSync(dirname(this.#statePath), { recursive: true });
    const temporary = `${this.#statePath}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#options.state.export()));
    renameSync(temporary, this.#statePath);
  }

  /** Requests on one route (by name), optionally only those that were answered with `status`. */
  requestsTo(route: string, status?: number): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route && (status === undefined || request.status === status));
  }

  /** The most requests the emulator was handling at once since it started or since `clearLog()`. */
  get peakConcurrentRequests(): number {
    return this.#peakInFlight;
  }

  clearLog(): void {
    this.requests.length = 0;
    this.#peakInFlight = this.#inFlight;
  }

  async #handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const rawBody = await readBody(incoming);
    const url = new URL(incoming.url ?? '/', 'http://emulator');
    const method = (incoming.method ?? 'GET').toUpperCase();
    const found = this.#matcher.match(method, url.pathname);
    // The client hung up before its answer (a cancelled or timed-out request that really stopped).
    let abandoned = false;
    outgoing.once('close', () => {
      if (!outgoing.writableEnded) abandoned = true;
    });
    const record = (route: string, status: number, faulted: boolean, body: unknown, principal?: string) => {
      this.requests.push({
        at: Date.now(),
        arrivedAt,
        method,
        path: url.pathname,
        query: url.search,
        route,
        status,
        body,
        principal,
        faulted,
        ...(abandoned ? { abandoned } : {}),
      });
      if (this.#options.verbose) process.stderr.write(`[${this.name}] ${method} ${url.pathname}${url.search} -> ${status}\n`);
    };
    if (!('route' in found)) {
      const status = found.allowed.length > 0 ? 405 : 404;
      const response = this.#options.errorResponse(status, `No route for ${method} ${url.pathname}`);
      record('(none)', response.status, false, undefined);
      return send(outgoing, response);
    }
    const { route, params } = found;
    const maxUrlLength = this.#options.maxUrlLength;
    if (maxUrlLength !== undefined && (incoming.url ?? '').length > maxUrlLength) {
      const response = this.#options.errorResponse(414, `URI Too Long: ${(incoming.url ?? '').length} characters, at most ${maxUrlLength}`);
      record(route.name, response.status, false, undefined);
      return send(outgoing, response);
    }
    const request: EmulatorRequest = {
      method,
      url,
      path: url.pathname,
      params,
      headers: incoming.headers,
      rawBody,
      body: parseBody(rawBody, incoming.headers['content-type']),
      route: route.name,
    };

    if (this.#options.authenticate) {
      const identity = await this.#options.authenticate(request);
      if ('status' in identity) {
        record(route.name, identity.status, false, request.body);
        return send(outgoing, identity);
      }
      request.principal = identity.principal;
    }

    const extraHeaders: Record<string, string> = {};
    if (this.rateWindow && !route.unmetered) {
      const admitted = this.rateWindow.admit(request.principal ?? 'anonymous');
      const limitHeaders = this.#options.rateLimit?.headers?.({
        limit: this.rateWindow.limit,
        remaining: admitted.remaining,
        windowMs: this.rateWindow.windowMs,
      });
      Object.assign(extraHeaders, limitHeaders);
      if (!admitted.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(admitted.retryAfterMs / 1000));
        const response = this.#options.errorResponse(429, 'Rate limit exceeded', { retryAfterSeconds, kind: 'rate' });
        response.headers = { 'retry-after': String(retryAfterSeconds), ...extraHeaders, ...response.headers };
        record(route.name, 429, false, request.body, request.principal);
        return send(outgoing, response);
      }
    }

    for (const fault of this.faults.take(route.name)) {
      const handled = await this.#applyFault(fault, request, outgoing);
      if (handled) {
        record(route.name, handled === 'reset' ? 0 : handled.status, true, request.body, request.principal);
        return;
      }
    }

    const response = await route.handler(request);
    response.headers = { ...extraHeaders, ...response.headers };
    record(route.name, response.status, false, request.body, request.principal);
    if (mutating.has(method) && response.status < 400) this.saveState();
    send(outgoing, response);
  }

  /** Applies one fault; returns what was sent when the fault answered the request itself. */
  async #applyFault(fault: Fault, request: EmulatorRequest, outgoing: ServerResponse): Promise<EmulatorResponse | 'reset' | undefined> {
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms);
        return undefined;
      case 'reset':
        outgoing.socket?.destroy();
        return 'reset';
      case 'partial':
        request.partialFailure = (item, index) => (fault.match(item, index) ? (fault.reason ?? 'Injected failure') : undefined);
        return undefined;
      case 'auth': {
        const response = this.#options.errorResponse(401, fault.message ?? 'The access token is expired or invalid', { kind: 'auth' });
        send(outgoing, response);
        return response;
      }
      case 'status': {
        const response = this.#options.errorResponse(fault.status, fault.message ?? `Injected ${fault.status}`, {
          retryAfterSeconds: fault.retryAfterSeconds,
          kind: 'injected',
        });
        if (fault.retryAfterSeconds !== undefined) response.headers = { 'retry-after': String(fault.retryAfterSeconds), ...response.headers };
        send(outgoing, response);
        return response;
      }
    }
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(outgoing: ServerResponse, response: EmulatorResponse): void {
  if (outgoing.headersSent || outgoing.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | Buffer | undefined;
  if (response.body === undefined || response.status === 204) payload = undefined;
  else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
  else {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  outgoing.writeHead(response.status, headers);
  outgoing.end(payload);
}
