import { crc32, deflateRawSync } from 'node:zlib';

/** One part of a hand-built zip. */
export interface ZipPart {
  name: string;
  data: string | Buffer;
  /** 8 (deflate, the default) or 0 (stored). */
  method?: 0 | 8;
  /** What the central directory claims the inflated size is (a lying zip); the real size by default. */
  declaredSize?: number;
}

/**
 * A zip built byte by byte, so a test controls every header: what hostile files do (lie about
 * sizes, inflate to gigabytes) cannot be made with a well-behaved zip library.
 */
export function buildZip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const data = typeof part.data === 'string' ? Buffer.from(part.data, 'utf8') : part.data;
    const method = part.method ?? 8;
    const stored = method === 8 ? deflateRawSync(data, { level: 9 }) : data;
    const name = Buffer.from(part.name, 'utf8');
    const crc = crc32(data);
    const size = part.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface CraftedWorkbook {
  /** The `<sheetData>` content (rows), or a whole worksheet part when it starts with `<?xml` or `<worksheet`. */
  sheet: string | Buffer;
  sharedStrings?: string[] | string;
  styles?: string;
  /** Parts added or replaced (by name). */
  parts?: ZipPart[];
}

const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relNs = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A minimal valid workbook around a hand-written sheet, as the smallest generators write it. */
export function craftWorkbook(workbook: CraftedWorkbook): Buffer {
  const sheet =
    Buffer.isBuffer(workbook.sheet) || workbook.sheet.startsWith('<?xml') || workbook.sheet.startsWith('<worksheet')
      ? workbook.sheet
      : `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>${workbook.sheet}</sheetData></worksheet>`;
  const shared =
    workbook.sharedStrings === undefined
      ? undefined
      : typeof workbook.sharedStrings === 'string'
        ? workbook.sharedStrings
        : `<sst xmlns="${ns}">${workbook.sharedStrings.map((text) => `<si><t>${text}</t></si>`).join('')}</sst>`;
  const rels = [
    `<Relationship Id="rId1" Type="${relNs}/worksheet" Target="worksheets/sheet1.xml"/>`,
    shared !== undefined ? `<Relationship Id="rId2" Type="${relNs}/sharedStrings" Target="sharedStrings.xml"/>` : '',
    workbook.styles !== undefined ? `<Relationship Id="rId3" Type="${relNs}/styles" Target="styles.xml"/>` : '',
  ].join('');
  const parts: ZipPart[] = [
    {
      name: '_rels/.rels',
      data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relNs}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    { name: 'xl/workbook.xml', data: `<workbook xmlns="${ns}" xmlns:r="${relNs}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>` },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
  ];
  if (shared !== undefined) parts.push({ name: 'xl/sharedStrings.xml', data: shared });
  if (workbook.styles !== undefined) parts.push({ name: 'xl/styles.xml', data: workbook.styles });
  for (const extra of workbook.parts ?? []) {
    const at = parts.findIndex((part) => part.name === extra.name);
    if (at === -1) parts.push(extra);
    else parts[at] = extra;
  }
  return buildZip(parts);
}
