import { describe, expect, it } from 'vitest';
import { parseNumericString } from './parse-numeric-string.js';

describe('parseNumericString', () => {
  it.each([
    [' 42 ', 42],
    ['1,234.5', 1234.5],
    ['3.5%', 3.5],
    ['$1,200', 1200],
    ['(12.50)', -12.5],
    ['-7', -7],
    ['.5', 0.5],
    ['1e3', 1000],
  ])('parses %j as %d', (text, expected) => {
    expect(parseNumericString(text)).toBe(expected);
  });

  it.each(['', '   ', 'abc', '1,5', '12abc', '1,23,456', 'Infinity'])('rejects %j', (text) => {
    expect(parseNumericString(text)).toBeUndefined();
  });
});
