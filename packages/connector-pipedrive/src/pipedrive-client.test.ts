import { once } from 'node:events';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from '@automl/connector-core';
import { afterEach, describe, expect, it } from 'vitest';
import { PipedriveClient } from './pipedrive-client.js';

// The API objects are built once per client, so each call's cancel signal reaches axios through the
// call's async context: a cancelled call must close its own connection, and only its own.
describe('Pipedrive client cancel signals', () => {
  const arrived: IncomingMessage[] = [];
  const waiting: Array<() => void> = [];
  // Answers nothing: a request ends only when its client gives it up.
  const server = createServer((request) => {
    arrived.push(request);
    waiting.shift()?.();
  });
  afterEach(async () => {
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    arrived.length = 0;
  });

  const start = async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new PipedriveClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: new Secret('test-token-not-real') });
  };
  const requests = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (arrived.length >= count ? resolve() : waiting.push(check));
      check();
    });
  const closed = (request: IncomingMessage) => new Promise<void>((resolve) => request.socket.once('close', () => resolve()));

  it('aborts the request of the cancelled call and leaves a concurrent call running', async () => {
    const client = await start();
    const first = new AbortController();
    const second = new AbortController();
    const one = client.send(first.signal, (apis) => apis.persons.getPersons({ limit: 1 }));
    const two = client.send(second.signal, (apis) => apis.deals.getDeals({ limit: 1 }));
    await requests(2);
    const [personsRequest, dealsRequest] = [...arrived].sort((a, b) => String(a.url).localeCompare(String(b.url))).reverse();
    expect(personsRequest?.url).toContain('/api/v2/persons');
    expect(dealsRequest?.url).toContain('/api/v2/deals');
    const personsClosed = closed(personsRequest!);
    first.abort(new Error('stop persons'));
    await expect(one).rejects.toThrow('stop persons');
    await personsClosed;
    expect(dealsRequest!.socket.destroyed).toBe(false);
    const dealsClosed = closed(dealsRequest!);
    second.abort(new Error('stop deals'));
    await expect(two).rejects.toThrow('stop deals');
    await dealsClosed;
  });
});
