/**
 * The little XML the reader needs, without an XML parser: OOXML parts are machine-written, so a
 * few exact rules (entities, Excel's `_xHHHH_` escapes, attributes in either quote) cover them,
 * and skipping a general parser is what makes the sheet scan fast.
 */

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const entityPattern = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
// Excel escapes characters XML cannot carry (CR, control characters) as _xHHHH_ in strings.
const excelEscapePattern = /_x([0-9a-fA-F]{4})_/g;

function decodeEntity(_match: string, body: string): string {
  if (body.charCodeAt(0) === 35 /* # */) {
    const code = body.charCodeAt(1) === 120 /* x */ ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : _match;
  }
  return namedEntities[body] ?? _match;
}

/** Text content as XML delivers it: entities resolved, line ends normalised, Excel escapes undone. */
export function decodeXmlText(raw: string): string {
  let text = raw;
  if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
  if (text.indexOf('&') !== -1) text = text.replace(entityPattern, decodeEntity);
  if (text.indexOf('_x') !== -1) text = text.replace(excelEscapePattern, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return text;
}

/**
 * A copy of a string cut from the XML text. V8 keeps a substring as a view of its parent, so one
 * retained cell value would pin a whole inflated chunk; flattening a concatenation copies it.
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** An attribute value as written: entities resolved, nothing else. */
export function decodeAttribute(raw: string): string {
  return raw.indexOf('&') === -1 ? raw : raw.replace(entityPattern, decodeEntity);
}

/** The attributes of one start tag (`<sheet name="a" r:id='rId1'/>`), keyed by qualified name. */
export function parseAttributes(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const pattern = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  const start = tag.search(/\s/);
  if (start === -1) return attributes;
  pattern.lastIndex = start;
  for (let match = pattern.exec(tag); match; match = pattern.exec(tag)) {
    attributes[match[1]!] = decodeAttribute(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

/** The value of the attribute with this local name, whatever its prefix (`r:id`, `ns1:id`...). */
export function attributeByLocalName(attributes: Record<string, string>, localName: string, requirePrefix = false): string | undefined {
  for (const [name, value] of Object.entries(attributes)) {
    const colon = name.indexOf(':');
    if (colon === -1 ? !requirePrefix && name === localName : name.slice(colon + 1) === localName) return value;
  }
  return undefined;
}

/** Every start tag of an element (any prefix), e.g. all `<sheet .../>` of workbook.xml. */
export function startTags(xml: string, localName: string): string[] {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${localName}(?=[\\s/>])[^>]*>`, 'g');
  return xml.match(pattern) ?? [];
}

/** The inner text of the first element with this local name, or undefined. */
export function elementBody(xml: string, localName: string): string | undefined {
  const pattern = new RegExp(`<((?:[\\w.-]+:)?${localName})(?=[\\s/>])[^>]*?(/>|>([\\s\\S]*?)</\\1>)`);
  const match = pattern.exec(xml);
  if (!match) return undefined;
  return match[3] ?? '';
}

/** The namespace prefix (with its colon) of a part's root element: `x:` for `<x:worksheet>`, '' for none. */
export function rootPrefix(xml: string, localName: string): string | undefined {
  const match = new RegExp(`<([\\w.-]+:)?${localName}[\\s>/]`).exec(xml);
  return match ? (match[1] ?? '') : undefined;
}

/**
 * The plain text of a string item (`<si>` or `<is>`): the concatenated `<t>` runs of rich text,
 * without the phonetic (`<rPh>`) runs Japanese workbooks add, which are not part of the value.
 */
export function richText(xml: string, start: number, end: number, prefix: string): string {
  const tOpen = `<${prefix}t`;
  const tClose = `</${prefix}t>`;
  const rPhOpen = `<${prefix}rPh`;
  const rPhClose = `</${prefix}rPh>`;
  let text = '';
  let pieces = 0;
  let position = start;
  while (position < end) {
    const lt = xml.indexOf('<', position);
    if (lt === -1 || lt >= end) break;
    if (xml.startsWith(tOpen, lt)) {
      const next = xml.charCodeAt(lt + tOpen.length);
      if (next === 62 /* > */ || next === 32 || next === 9 || next === 10 || next === 13 || next === 47 /* / */) {
        const gt = xml.indexOf('>', lt);
        if (xml.charCodeAt(gt - 1) === 47) {
          position = gt + 1; // <t/>: an empty run
          continue;
        }
        let close = xml.indexOf(tClose, gt);
        if (close === -1 || close > end) break;
        let piece = xml.slice(gt + 1, close);
        if (piece.indexOf('<') !== -1) {
          // A CDATA section (which may even hold "</t>"): its text is literal.
          const cdata = cdataText(xml, gt + 1, end, tClose);
          if (cdata === undefined) break;
          [piece, close] = cdata;
        }
        text = pieces === 0 ? piece : text + piece;
        pieces += 1;
        position = close + tClose.length;
        continue;
      }
    }
    if (xml.startsWith(rPhOpen, lt)) {
      const close = xml.indexOf(rPhClose, lt);
      position = close === -1 || close > end ? end : close + rPhClose.length;
      continue;
    }
    position = lt + 1;
  }
  return decodeXmlText(text);
}

/**
 * The text of a `<t>` run holding CDATA sections, from `start` (after `<t>`) to its `</t>`, still
 * XML-encoded (CDATA content is re-escaped, so decoding leaves it literal), and where `</t>` is.
 */
function cdataText(xml: string, start: number, end: number, tClose: string): [string, number] | undefined {
  let text = '';
  let at = start;
  for (;;) {
    const lt = xml.indexOf('<', at);
    if (lt === -1 || lt >= end) return undefined;
    text += xml.slice(at, lt);
    if (xml.startsWith('<![CDATA[', lt)) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close === -1 || close >= end) return undefined;
      text += xml.slice(lt + 9, close).replace(/&/g, '&amp;');
      at = close + 3;
    } else if (xml.startsWith(tClose, lt)) return [text, lt];
    else {
      // Markup Excel does not put in a run: skipped.
      const gt = xml.indexOf('>', lt);
      if (gt === -1 || gt >= end) return undefined;
      at = gt + 1;
    }
  }
}
