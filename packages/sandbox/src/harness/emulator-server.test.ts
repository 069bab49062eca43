import { afterEach, describe, expect, it } from 'vitest';
import { createRecordsApiEmulator } from '../generic/records-api-emulator.js';

const token = 'records-test-token';
const auth = { authorization: `Bearer ${token}` };

describe('EmulatorServer', () => {
  let emulator: ReturnType<typeof createRecordsApiEmulator> | undefined;
  afterEach(async () => {
    await emulator?.stop();
  });

  it('serves routes on a free loopback port and logs each request', async () => {
    emulator = createRecordsApiEmulator();
    const url = await emulator.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const put = await fetch(`${url}/records/a`, { method: 'PUT', headers: auth, body: JSON.stringify({ name: 'Ada' }) });
    expect(put.status).toBe(201);
    const list = await fetch(`${url}/records`, { headers: auth });
    expect(await list.json()).toEqual({ results: [{ key: 'a', name: 'Ada' }] });
    expect(emulator.requests.map((request) => `${request.route}:${request.status}`)).toEqual(['put:201', 'list:200']);
  });

  it('refuses bad credentials with the emulator error body', async () => {
    emulator = createRecordsApiEmulator();
    const url = await emulator.start();
    const response = await fetch(`${url}/records`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { status: 401, message: 'invalid or expired token' } });
  });

  it('injects status faults with Retry-After a given number of times, then answers normally', async () => {
    emulator = createRecordsApiEmulator();
    const url = await emulator.start();
    emulator.faults.inject({ route: 'list', times: 2, fault: { kind: 'status', status: 429, retryAfterSeconds: 3 } });
    const first = await fetch(`${url}/records`, { headers: auth });
    const second = await fetch(`${url}/records`, { headers: auth });
    const third = await fetch(`${url}/records`, { headers: auth });
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('3');
  });

  it('resets the connection and can fail only after some calls', async () => {
    emulator = createRecordsApiEmulator();
    const url = await emulator.start();
    emulator.faults.inject({ route: 'list', after: 1, times: 1, fault: { kind: 'reset' } });
    expect((await fetch(`${url}/records`, { headers: auth })).status).toBe(200);
    await expect(fetch(`${url}/records`, { headers: auth })).rejects.toThrow();
    expect((await fetch(`${url}/records`, { headers: auth })).status).toBe(200);
  });

  it('enforces the rate limit per caller and records the peak in any window', async () => {
    emulator = createRecordsApiEmulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const url = await emulator.start();
    const statuses = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await fetch(`${url}/records`, { headers: auth })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(emulator.rateWindow?.stats()).toMatchObject({ peakInWindow: 3, rejected: 2, total: 5 });
  });
});
