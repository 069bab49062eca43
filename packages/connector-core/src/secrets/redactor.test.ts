import { describe, expect, it } from 'vitest';
import { Redactor } from './redactor.js';
import { REDACTED, Secret } from './secret.js';

describe('Redactor', () => {
  it('redacts a secret shorter than 6 characters where it stands as a token', () => {
    const redactor = new Redactor([new Secret('blue')]);
    expect(redactor.redact('login failed for password=blue')).toBe(`login failed for password=${REDACTED}`);
    expect(redactor.redact('mongodb://analyst:blue@db/x')).not.toContain('blue');
    expect(redactor.redact('{"password":"blue"}')).toBe(`{"password":"${REDACTED}"}`);
    expect(redactor.redact('blue')).toBe(REDACTED);
    expect(redactor.redact('token blue, retry')).toBe(`token ${REDACTED}, retry`);
  });

  it('keeps ordinary words that merely contain a short secret (no false positives inside words)', () => {
    const redactor = new Redactor(['blue', 'x9']);
    expect(redactor.redact('bluetooth and blueprints, box9, x99')).toBe('bluetooth and blueprints, box9, x99');
  });

  it('redacts the URL-encoded, form-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss w/rd"é';
    const redactor = new Redactor([secret]);
    for (const form of [encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)]) {
      expect(redactor.redact(`sent ${form} to the server`)).toBe(`sent ${REDACTED} to the server`);
    }
  });

  it('redacts the base64 and base64url forms, alone and inside a longer encoded value (basic auth)', () => {
    const secret = 'hunter2-is-my-password';
    const redactor = new Redactor([secret]);
    const base64 = Buffer.from(secret).toString('base64');
    expect(redactor.redact(`x-key: ${base64}`)).toBe(`x-key: ${REDACTED}`);
    expect(redactor.redact(`x-key: ${Buffer.from(secret).toString('base64url')}`)).toBe(`x-key: ${REDACTED}`);
    // A user name of any length before the password shifts it to every byte offset.
    for (const user of ['a', 'ab', 'abc', 'analyst', 'someone@example.com']) {
      for (const suffix of ['', '!', '?x']) {
        const encoded = Buffer.from(`${user}:${secret}${suffix}`).toString('base64');
        const text = redactor.redact(`upstream echoed credentials=${encoded}`);
        expect(text, `${user}:…${suffix}`).toContain(REDACTED);
        // What is left of the encoded value no longer decodes to the password.
        const leftovers = text.split(REDACTED).map((part) => Buffer.from(part.replace(/^.*=/, ''), 'base64').toString('latin1'));
        for (const part of leftovers) expect(part).not.toContain('password');
      }
    }
  });

  it('redacts short secrets in their encoded forms too', () => {
    const redactor = new Redactor(['k3y']);
    expect(redactor.redact(`key=${Buffer.from('k3y').toString('base64')}`)).toBe(`key=${REDACTED}`);
  });

  it('redacts basic-auth headers and bearer tokens it was never told about, not the word "Basic" in prose', () => {
    const redactor = new Redactor();
    const header = `Authorization: Basic ${Buffer.from('bob:secret').toString('base64')}`;
    expect(redactor.redact(header)).toBe(`Authorization: Basic ${REDACTED}`);
    expect(redactor.redact('Basic authentication is not enabled')).toBe('Basic authentication is not enabled');
    expect(redactor.redact('Bearer abcdefgh12345')).toBe(`Bearer ${REDACTED}`);
  });

  it('redacts a secret inside another one, longest first, and ignores empty secrets', () => {
    const redactor = new Redactor(['', 'abcdefgh', 'abcdefgh-ijkl']);
    expect(redactor.redact('x abcdefgh-ijkl y abcdefgh z')).toBe(`x ${REDACTED} y ${REDACTED} z`);
    expect(new Redactor(['']).redact('nothing to hide')).toBe('nothing to hide');
  });
});
