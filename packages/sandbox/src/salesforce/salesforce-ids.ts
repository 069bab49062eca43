const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const suffixAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * An 18-character record id: the object's key prefix, a pod-like filler and a base-62 counter (15
 * case-sensitive characters), then Salesforce's 3-character case-insensitive checksum suffix.
 */
export function recordId(keyPrefix: string, counter: number): string {
  let digits = '';
  let rest = counter;
  do {
    digits = base62[rest % 62]! + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  const short = `${keyPrefix}Wg0${digits.padStart(9, '0')}`.slice(0, 15);
  return short + idSuffix(short);
}

/** The checksum suffix: one character per 5-character chunk, a bit per uppercase letter. */
export function idSuffix(short: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const character = short[chunk * 5 + position] ?? '';
      if (character >= 'A' && character <= 'Z') bits |= 1 << position;
    }
    suffix += suffixAlphabet[bits];
  }
  return suffix;
}

/** The 18-character form of a 15- or 18-character id, or undefined when it is not an id. */
export function normaliseId(id: string): string | undefined {
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id + idSuffix(id);
  if (/^[a-zA-Z0-9]{18}$/.test(id)) return id.slice(0, 15) + idSuffix(id.slice(0, 15));
  return undefined;
}

/** An opaque token, as Salesforce's session ids and query locators look. */
export function opaqueToken(length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += base62[Math.floor(Math.random() * 62)];
  return text;
}
