import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Fault } from '../harness/faults.js';
import type { RateWindow } from '../harness/rate-window.js';
import type { RecordedRequest } from '../harness/types.js';
import type { TlsIdentity } from './self-signed-certificate.js';

const require = createRequire(import.meta.url);
// The driver's own generated TCLIService processor and the thrift runtime it was generated for:
// the emulator speaks exactly the wire format the driver reads.
const { Processor } = require('@databricks/sql/thrift/TCLIService.js') as { Processor: new (handler: object) => ThriftProcessor };
const thrift = require('thrift') as {
  TBufferedTransport: ThriftTransportClass;
  TBinaryProtocol: new (transport: unknown) => unknown;
};

interface ThriftProcessor {
  process(input: unknown, output: unknown): void;
}
interface ThriftTransportClass {
  new (buffer: undefined, onFlush: (buffer: Buffer) => void): unknown;
  receiver(callback: (transport: unknown) => void): (data: Buffer) => void;
}

/** What one HTTP exchange learns on its way through the Thrift handler. */
export interface Exchange {
  route: string;
  principal?: string;
  body?: unknown;
  /** An HTTP answer (status, reset, credentials refused) that replaces the Thrift one. */
  fault?: Fault;
}

const exchanges = new AsyncLocalStorage<Exchange>();

/** The exchange the running Thrift call belongs to. */
export function currentExchange(): Exchange | undefined {
  return exchanges.getStore();
}

export interface ThriftFrontOptions {
  tls: TlsIdentity;
  httpPath: string;
  handler: object;
  /** The principal of a bearer token, or undefined when the token is unknown. */
  authenticate: (token: string) => string | undefined;
  /** An HTTP refusal before any Thrift work (the warehouse starting up). */
  gate?: () => { status: number; message: string; retryAfterSeconds?: number } | undefined;
  rateWindow?: RateWindow;
  /** Presigned URLs under these path prefixes: storage (volumes, CloudFetch files), not the warehouse (no bearer token, no Thrift). */
  storage?: {
    routes: Array<{
      prefix: string;
      /** The route recorded, before the method: `Volume`, `CloudFetch`. */
      name: string;
      serve: (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => { status: number; route: string };
    }>;
    /** A fault for this storage request (`Volume:PUT`, `CloudFetch:GET`...): a status, a reset or latency. */
    fault: (route: string) => Fault | undefined;
  };
  requests: RecordedRequest[];
  verbose?: boolean;
}

/**
 * HTTPS on loopback with Thrift TBinaryProtocol over one POST per message, as the driver's
 * ThriftHttpConnection sends it: path routing (404 elsewhere), bearer token (401 without, 403 for
 * an unknown or expired one), Databricks' HTTP refusals with `x-thriftserver-error-message` and
 * Retry-After, and a request log that keeps the statement but never the token.
 */
export class ThriftHttpsFront {
  #server: Server | undefined;
  readonly #processor: ThriftProcessor;
  #inFlight = 0;
  peakInFlight = 0;
  /** Storage requests being answered, and the most at once, per route (`CloudFetch:GET`): how many downloads a client keeps going. */
  readonly #storageFlight = new Map<string, { now: number; peak: number }>();

  constructor(readonly options: ThriftFrontOptions) {
    this.#processor = new Processor(options.handler);
  }

  /** The most storage requests of `route` (`CloudFetch:GET`) answered at once since the start or `resetPeaks()`. */
  peakInFlightOf(route: string): number {
    return this.#storageFlight.get(route)?.peak ?? 0;
  }

  resetPeaks(): void {
    for (const flight of this.#storageFlight.values()) flight.peak = flight.now;
  }

  async start(host = '127.0.0.1', port = 0): Promise<number> {
    const server = createServer({ key: this.options.tls.keyPem, cert: this.options.tls.certPem }, (request, response) => {
      this.#inFlight += 1;
      this.peakInFlight = Math.max(this.peakInFlight, this.#inFlight);
      this.#handle(request, response)
        .catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String((error as Error)?.message ?? error));
        })
        .finally(() => {
          this.#inFlight -= 1;
        });
    });
    // Longer than the driver's idle gaps between calls: a socket closed under a reused keep-alive
    // connection surfaces in the driver as `socket hang up`.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(incoming.url ?? '/', 'https://emulator');
    const method = thriftMethod(body);
    const exchange: Exchange = { route: method ?? '(none)' };
    const record = (status: number, faulted: boolean) => {
      this.options.requests.push({
        at: Date.now(),
        method: incoming.method ?? 'POST',
        path: url.pathname,
        query: url.search,
        route: exchange.route,
        status,
        body: exchange.body,
        principal: exchange.principal,
        faulted,
      });
      if (this.options.verbose) process.stderr.write(`[databricks] ${exchange.route} -> ${status}\n`);
    };
    const refuse = (status: number, message: string, headers: Record<string, string> = {}, faulted = false) => {
      record(status, faulted);
      outgoing.writeHead(status, { 'content-type': 'text/plain', 'x-thriftserver-error-message': message, ...headers });
      outgoing.end(message);
    };

    const storage = this.options.storage;
    const presigned = storage?.routes.find((route) => url.pathname.startsWith(route.prefix));
    if (storage && presigned) {
      exchange.route = `${presigned.name}:${incoming.method ?? 'GET'}`;
      const fault = storage.fault(exchange.route);
      if (fault?.kind === 'reset') {
        record(0, true);
        outgoing.socket?.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        record(fault.status, true);
        outgoing.writeHead(fault.status, { 'content-type': 'text/plain' });
        outgoing.end(fault.message ?? 'ServerBusy');
        return;
      }
      const flight = this.#storageFlight.get(exchange.route) ?? { now: 0, peak: 0 };
      this.#storageFlight.set(exchange.route, flight);
      flight.now += 1;
      flight.peak = Math.max(flight.peak, flight.now);
      outgoing.once('close', () => {
        flight.now -= 1;
      });
      // Storage that is slow to answer (a cloud store's first byte): the request waits, then is served.
      if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (outgoing.destroyed) return;
      record(presigned.serve(incoming, outgoing, body).status, false);
      return;
    }
    if (incoming.method !== 'POST' || url.pathname.replace(/\/+$/, '') !== this.options.httpPath.replace(/\/+$/, '')) {
      return refuse(404, `No endpoint for ${incoming.method} ${url.pathname}`);
    }
    const token = /^Bearer\s+(.+)$/i.exec(incoming.headers.authorization ?? '')?.[1]?.trim();
    if (!token) return refuse(401, 'Credential was not sent or was of an unsupported type for this API.');
    exchange.principal = this.options.authenticate(token);
    if (!exchange.principal) return refuse(403, 'Invalid access token.', { 'x-databricks-reason-phrase': 'Invalid access token.' });
    const gate = this.options.gate?.();
    if (gate) return refuse(gate.status, gate.message, gate.retryAfterSeconds !== undefined ? { 'retry-after': String(gate.retryAfterSeconds) } : {}, true);
    const window = this.options.rateWindow;
    if (window) {
      const admitted = window.admit(exchange.principal);
      if (!admitted.allowed) {
        const seconds = Math.max(1, Math.ceil(admitted.retryAfterMs / 1000));
        return refuse(429, 'RESOURCE_EXHAUSTED: Too many requests. Please retry later.', { 'retry-after': String(seconds) });
      }
    }

    const reply = await new Promise<Buffer>((resolve) => {
      exchanges.run(exchange, () => {
        thrift.TBufferedTransport.receiver((transport) => {
          const input = new thrift.TBinaryProtocol(transport);
          const output = new thrift.TBinaryProtocol(new thrift.TBufferedTransport(undefined, resolve));
          this.#processor.process(input, output);
        })(body);
      });
    });

    const fault = exchange.fault;
    if (fault) {
      switch (fault.kind) {
        case 'reset':
          record(0, true);
          outgoing.socket?.destroy();
          return;
        case 'auth':
          return refuse(403, fault.message ?? 'Invalid access token.', { 'x-databricks-reason-phrase': 'Invalid access token.' }, true);
        case 'status': {
          const message = fault.message ?? statusMessage(fault.status);
          return refuse(fault.status, message, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {}, true);
        }
        default:
          break;
      }
    }
    record(200, false);
    outgoing.writeHead(200, { 'content-type': 'application/x-thrift' });
    outgoing.end(reply);
  }
}

/** The method name of a strict TBinaryProtocol message: version word, name length, name. */
function thriftMethod(body: Buffer): string | undefined {
  if (body.length < 8) return undefined;
  const length = body.readInt32BE(4);
  return body.subarray(8, 8 + length).toString('utf8');
}

function statusMessage(status: number): string {
  if (status === 429) return 'RESOURCE_EXHAUSTED: Too many requests. Please retry later.';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE: The service is temporarily unavailable.';
  if (status === 400) return 'BAD_REQUEST: Invalid request.';
  return `Injected ${status}`;
}
