/** Seeded randomness and the mutations the fuzzer applies to workbooks and to their XML. */

/** mulberry32: small, fast and the same on every machine, so a failing case replays from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
export const pick = <T>(rng: Random, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
export const between = (rng: Random, low: number, high: number): number => low + Math.floor(rng() * (high - low + 1));

/** Tokens that matter to the reader: tags, attributes, quotes, references past Excel's limits, escapes. */
const tokens = [
  '<row',
  '<row>',
  '</row>',
  '<row r="1048576">',
  '<row r="1048577">',
  '<row r="99999999999999999999">',
  '<row r="0">',
  "<row r='3'/>",
  '<c',
  '<c>',
  '</c>',
  '<c r="A1">',
  '<c r="XFD1">',
  '<c r="XFE1">',
  '<c r="ZZZZZZ2">',
  '<c r>',
  '<c r="',
  '<c t="s">',
  '<c t="d">',
  '<c t="inlineStr">',
  '<c t="b">',
  '<c t="e">',
  '<c t="str">',
  '<c s="999999">',
  '<c/>',
  '<v>',
  '</v>',
  '<v/>',
  '<f>',
  '</f>',
  '<f/>',
  '<is>',
  '</is>',
  '<is/>',
  '<t>',
  '</t>',
  '<t xml:space="preserve">',
  '<r>',
  '</r>',
  '<rPh>',
  '</rPh>',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?pi?>',
  '<extLst>',
  '</extLst>',
  '<x:row',
  '<x:c',
  '</x:c>',
  '<sheetData>',
  '</sheetData>',
  '<sheetData/>',
  '</worksheet>',
  '"',
  "'",
  '<',
  '>',
  '/>',
  '=',
  ' ',
  '\n',
  '&amp;',
  '&lt;',
  '&#x1F600;',
  '&#99999999;',
  '&bogus;',
  '_x000D_',
  '_xD800_',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '1',
  '-0',
  '1e308',
  '1e-400',
  'NaN',
  '45000.5',
  '99999999999999999999',
  '0',
  'TRUE',
  '2024-02-30',
  '12:30:00',
  'T25:61',
  'x',
  'numFmtId="14"',
  'numFmtId="999"',
  'formatCode="yyyy-mm-dd"',
  '<xf numFmtId="14"/>',
  '<si>',
  '</si>',
  '<si/>',
  'date1904="1"',
  'state="hidden"',
  'r:id="rId9"',
  'Target="../../../etc/passwd"',
  'Target="/xl/worksheets/sheet1.xml"',
];

/** One random edit of a text: delete, duplicate, insert a token, swap or truncate. */
export function mutateText(rng: Random, text: string): string {
  const at = between(rng, 0, text.length);
  switch (between(rng, 0, 7)) {
    case 0:
      return text.slice(0, at) + text.slice(at + between(rng, 1, 64));
    case 1: {
      const length = between(rng, 1, 256);
      const piece = text.slice(at, at + length);
      return text.slice(0, at) + piece.repeat(between(rng, 2, rng() < 0.1 ? 2000 : 20)) + text.slice(at);
    }
    case 2:
    case 3:
    case 4:
      return text.slice(0, at) + pick(rng, tokens) + text.slice(at);
    case 5: {
      const other = between(rng, 0, text.length);
      const [a, b] = at < other ? [at, other] : [other, at];
      return text.slice(0, a) + text.slice(b, b + 1) + text.slice(a + 1, b) + text.slice(a, a + 1) + text.slice(b + 1);
    }
    case 6:
      return text.slice(0, at);
    default: {
      // Replace one quoted value: references, types, styles, sizes.
      const quote = text.indexOf('"', at);
      const close = quote === -1 ? -1 : text.indexOf('"', quote + 1);
      return close === -1 ? text : `${text.slice(0, quote + 1)}${pick(rng, tokens)}${text.slice(close)}`;
    }
  }
}

/** One random edit of a file's bytes: flip, zero, cut, duplicate. */
export function mutateBytes(rng: Random, bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const at = between(rng, 0, Math.max(0, copy.length - 1));
  switch (between(rng, 0, 4)) {
    case 0:
      for (let i = between(rng, 1, 8); i > 0; i -= 1) copy[between(rng, 0, copy.length - 1)] = between(rng, 0, 255);
      return copy;
    case 1:
      copy.fill(0, at, Math.min(copy.length, at + between(rng, 1, 512)));
      return copy;
    case 2:
      return copy.subarray(0, at);
    case 3:
      return Buffer.concat([copy.subarray(0, at), copy.subarray(at, at + between(rng, 1, 4096)), copy.subarray(at)]);
    default:
      // A header field: sizes and offsets of the zip structures.
      copy.writeUInt32LE(pick(rng, [0, 1, 0xffffffff, 0x7fffffff, copy.length, between(rng, 0, 1 << 30)]), Math.max(0, Math.min(at, copy.length - 4)));
      return copy;
  }
}
