import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

/** A certificate and its key, both PEM, for an HTTPS emulator on loopback. */
export interface TlsIdentity {
  /** The certificate: give it to the client as its CA (the driver's `customCaCert`). */
  certPem: string;
  keyPem: string;
}

/**
 * A self-signed EC P-256 certificate for `localhost` and `127.0.0.1`, marked CA:TRUE so that the
 * client can trust it as its own root. Node can sign but not build certificates, so the few DER
 * structures of X.509 v3 are written here: generated at test time, nothing on disk, no openssl.
 */
export function createSelfSignedCertificate(commonName = 'localhost'): TlsIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName)))));
  const now = Date.now();
  const validity = sequence(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 365 * 86_400_000)));
  const basicConstraints = sequence(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), octetString(sequence(tlv(0x01, Buffer.from([0xff])))));
  const subjectAltName = sequence(oid('2.5.29.17'), octetString(sequence(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1])))));
  const serial = randomBytes(12);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(basicConstraints, subjectAltName)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Fail here rather than in a TLS handshake if the structure is wrong.
  const parsed = new X509Certificate(certPem);
  if (!parsed.verify(publicKey) || !parsed.checkPrivateKey(privateKey) || !parsed.checkIP('127.0.0.1')) {
    throw new Error('self-signed certificate does not match its key');
  }
  return { certPem, keyPem };
}

function tlv(tag: number, value: Buffer): Buffer {
  const length = value.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else if (length < 0x100) header = Buffer.from([tag, 0x81, length]);
  else header = Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, value]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octetString = (value: Buffer) => tlv(0x04, value);
const integer = (value: Buffer) => tlv(0x02, value);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`));
}
