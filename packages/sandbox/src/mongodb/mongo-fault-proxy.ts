import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { encodeReply, parseCommand, readHeader, splitMessages, type WireCommand } from './mongo-wire.js';

/** What the proxy does to a matching command instead of (or after) passing it to the server. */
export type MongoFault =
  /** Reset the client's connection before the server sees the command: nothing was done. */
  | { kind: 'reset' }
  /** The server runs the command, then the client's connection is reset before the reply: done, but unseen. */
  | { kind: 'reset-after-reply' }
  /** The server runs the command at once; its reply reaches the client `ms` later (a slow answer). */
  | { kind: 'latency'; ms: number }
  /** The command reaches the server `ms` late: a client that gave up and retried meanwhile sees its first attempt land after the retry. */
  | { kind: 'late-landing'; ms: number }
  /** Answer with a server error document ({ ok: 0, code, codeName, errmsg, errorLabels }) without running the command. */
  | { kind: 'error'; code: number; codeName: string; message?: string; errorLabels?: string[] };

export interface MongoFaultRule {
  /** Command name(s) to affect (`insert`, `update`, `find`, `getMore`, `saslStart`...); every command when omitted. */
  command?: string | string[] | RegExp;
  /** Only commands on this collection. */
  collection?: string;
  /** How many matching commands to affect; unlimited when omitted. */
  times?: number;
  /** Let this many matching commands through first (fault the 3rd: after: 2). */
  after?: number;
  fault: MongoFault;
}

/** One command as the proxy saw it. */
export interface ProxiedCommand extends WireCommand {
  at: number;
  /** Which client connection carried it (1, 2, ...). */
  connection: number;
  /** The injected fault, when one applied. */
  fault?: MongoFault['kind'];
}

interface ActiveRule extends MongoFaultRule {
  seen: number;
  applied: number;
}

/**
 * Commands the driver sends on its own (monitoring heartbeats, the SCRAM handshake, session cleanup):
 * left out of `commandsNamed()` and of rules without a `command`, so a test counts and faults only its own.
 */
const background = new Set(['hello', 'isMaster', 'ismaster', 'saslStart', 'saslContinue', 'endSessions']);

/**
 * A TCP proxy in front of a real MongoDB-compatible server that frames the wire protocol, logs every
 * command and injects faults into chosen ones: the way to give the driver the network failures, late
 * replies and server errors a healthy local server never produces, while the data stays real.
 */
export class MongoFaultProxy {
  readonly commands: ProxiedCommand[] = [];
  readonly #rules: ActiveRule[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pending = new Set<Promise<void>>();
  readonly #upstream: { host: string; port: number };
  #server: Server | undefined;
  #port = 0;
  #connections = 0;

  constructor(upstream: { host: string; port: number }) {
    this.#upstream = upstream;
  }

  get port(): number {
    if (!this.#server) throw new Error('the MongoDB fault proxy is not started');
    return this.#port;
  }

  async start(): Promise<number> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    return this.#port;
  }

  inject(rule: MongoFaultRule): this {
    this.#rules.push({ ...rule, seen: 0, applied: 0 });
    return this;
  }

  clearFaults(): void {
    this.#rules.length = 0;
  }

  clearLog(): void {
    this.commands.length = 0;
  }

  /** The commands a test sent (the driver's own hellos, handshakes and session cleanup left out), optionally only those named `name`. */
  commandsNamed(name?: string): ProxiedCommand[] {
    return this.commands.filter((command) => (name ? command.name === name : !background.has(command.name)));
  }

  /** Resets every open connection, as a server restart or failover does to its clients. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
  }

  /** Resolves when every late-landing command has reached the server and been answered. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #track(promise: Promise<void>): void {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.dropConnections();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const connection = ++this.#connections;
    const upstream = createConnection(this.#upstream);
    this.#sockets.add(client).add(upstream);
    const heldReplies = new Map<number, MongoFault>();
    /** Late-landing commands waiting for the server's answer, by request id. */
    const landings = new Map<number, () => void>();
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);

    frame(client, (message) => {
      const command = parseCommand(message);
      const fault = command ? this.#take(command) : undefined;
      if (command) this.commands.push({ ...command, at: Date.now(), connection, ...(fault ? { fault: fault.kind } : {}) });
      if (!fault || fault.kind === 'latency' || fault.kind === 'reset-after-reply') {
        if (fault) heldReplies.set(readHeader(message).requestId, fault);
        upstream.write(message);
        return;
      }
      if (fault.kind === 'reset') {
        client.resetAndDestroy();
        return;
      }
      if (fault.kind === 'late-landing') {
        // Held, then sent on the same authenticated connection: the driver keeps that connection
        // waiting for the reply even after the caller gave up, as a request stuck in a network.
        const requestId = readHeader(message).requestId;
        this.#track(
          new Promise<void>((resolve) => {
            landings.set(requestId, resolve);
            const timer = setTimeout(() => {
              this.#timers.delete(timer);
              if (upstream.destroyed) resolve();
              else upstream.write(message);
            }, fault.ms);
            this.#timers.add(timer);
            upstream.once('close', () => resolve());
          }),
        );
        return;
      }
      client.write(
        encodeReply(readHeader(message).requestId, {
          ok: 0,
          errmsg: fault.message ?? `injected ${fault.codeName}`,
          code: fault.code,
          codeName: fault.codeName,
          ...(fault.errorLabels ? { errorLabels: fault.errorLabels } : {}),
        }),
      );
    });

    frame(upstream, (reply) => {
      const { responseTo } = readHeader(reply);
      landings.get(responseTo)?.();
      landings.delete(responseTo);
      const fault = heldReplies.get(responseTo);
      heldReplies.delete(responseTo);
      if (fault?.kind === 'reset-after-reply') {
        client.resetAndDestroy();
        return;
      }
      if (fault?.kind === 'latency') {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          if (!client.destroyed) client.write(reply);
        }, fault.ms);
        this.#timers.add(timer);
        return;
      }
      client.write(reply);
    });
  }

  #take(command: WireCommand): MongoFault | undefined {
    for (const rule of this.#rules) {
      if (!matches(rule, command)) continue;
      rule.seen += 1;
      if (rule.after !== undefined && rule.seen <= rule.after) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied += 1;
      return rule.fault;
    }
    return undefined;
  }
}

function matches(rule: MongoFaultRule, command: WireCommand): boolean {
  if (rule.collection !== undefined && rule.collection !== command.collection) return false;
  const selector = rule.command;
  if (selector === undefined) return !background.has(command.name);
  if (typeof selector === 'string') return selector === command.name;
  if (Array.isArray(selector)) return selector.includes(command.name);
  return selector.test(command.name);
}

/** Calls `onMessage` with each complete wire message read from `socket`. */
function frame(socket: Socket, onMessage: (message: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let split: ReturnType<typeof splitMessages>;
    try {
      split = splitMessages(pending);
    } catch {
      socket.destroy();
      return;
    }
    pending = split.rest.length === 0 ? Buffer.alloc(0) : Buffer.from(split.rest);
    for (const message of split.messages) onMessage(message);
  });
}
