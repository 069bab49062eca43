import { Redactor, Secret } from '@automl/connector-core';
import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { classifyMongoDbError } from './mongodb-errors.js';

// The driver's own error classes, built the way the driver builds them, through the classifier.
const redactor = new Redactor([new Secret('mongodb://analyst:Sup3r-secret@db.example.com/app'), new Secret('Sup3r-secret')]);
const classify = (error: unknown) => classifyMongoDbError(error, 'read', redactor);

describe('classifyMongoDbError', () => {
  it('types authentication, permission and missing collections, with hints', () => {
    expect(classify(new MongoServerError({ message: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed' }))).toMatchObject({
      kind: 'authentication',
      retryable: false,
      code: 'AuthenticationFailed',
      hint: expect.stringMatching(/authSource/),
    });
    expect(classify(new MongoServerError({ message: 'not authorized on app to execute command', code: 13 }))).toMatchObject({ kind: 'permission' });
    expect(classify(new MongoServerError({ message: 'Command insert requires authentication', code: 13 }))).toMatchObject({ kind: 'authentication' });
    expect(classify(new MongoServerError({ message: 'ns not found', code: 26 }))).toMatchObject({ kind: 'not-found' });
  });

  it('retries what passes on its own: elections, shutdowns, labelled errors, network failures', () => {
    for (const code of [91, 189, 10107, 11600, 262]) expect(classify(new MongoServerError({ message: 'x', code })).retryable).toBe(true);
    expect(classify(new MongoServerError({ message: 'x', code: 1, errorLabels: ['RetryableWriteError'] }))).toMatchObject({ kind: 'transient' });
    expect(classify(new MongoNetworkError('read ECONNRESET'))).toMatchObject({ kind: 'transient', retryable: true });
    expect(classify(new MongoServerSelectionError('Server selection timed out after 5000 ms', { type: 'Unknown' } as never))).toMatchObject({
      kind: 'transient',
      hint: expect.stringMatching(/IP access list/),
    });
  });

  it('reads a wrapped network failure out of a bulk write error', () => {
    const wrapped = new MongoBulkWriteError(new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'), {} as never);
    expect(classify(wrapped)).toMatchObject({ kind: 'transient', retryable: true });
  });

  it('takes the throttling wait from the server message', () => {
    const throttled = classify(new MongoServerError({ message: 'Request rate is large. RetryAfterMs=250, Details=...', code: 16500 }));
    expect(throttled).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: 250 });
  });

  it('fails data errors without retrying and names unsupported commands', () => {
    expect(classify(new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }))).toMatchObject({ kind: 'data', retryable: false });
    expect(classify(new MongoServerError({ message: '`aggregate` stage "$sample" is not implemented yet', code: 238 }))).toMatchObject({ kind: 'unsupported' });
  });

  it('types a failed SRV lookup as configuration, and keeps credentials out of the message and the cause', () => {
    const dns = Object.assign(new Error('querySrv ENOTFOUND _mongodb._tcp.cluster0.example.mongodb.net'), { code: 'ENOTFOUND' });
    expect(classify(dns)).toMatchObject({ kind: 'config', hint: expect.stringMatching(/SRV/) });
    const leaky = classify(new MongoServerError({ message: 'failed for mongodb://analyst:Sup3r-secret@db.example.com/app', code: 2 }));
    expect(leaky.message).not.toContain('Sup3r-secret');
    expect(String((leaky.cause as Error).message)).not.toContain('Sup3r-secret');
    expect((leaky.cause as Error).stack).not.toContain('Sup3r-secret');
  });
});
