import type { ByteSource } from './byte-source.js';
import { parseDateStyles } from './styles-date-formats.js';
import { readZipDirectory, normaliseEntryName, readEntryText, ZipFormatError, type ZipEntry } from './zip-entries.js';
import { attributeByLocalName, parseAttributes, startTags } from './xml-text.js';

export type SheetVisibility = 'visible' | 'hidden' | 'veryHidden';

/** A worksheet as the workbook lists it. */
export interface SheetInfo {
  /** The tab name. */
  name: string;
  /** Position among the worksheets, 0-based, in workbook (tab) order. */
  index: number;
  visibility: SheetVisibility;
  /** The zip entry holding the sheet XML. */
  entry: ZipEntry;
}

/** What every read of a workbook needs, read once per open: small parts only. */
export interface WorkbookIndex {
  sheets: SheetInfo[];
  date1904: boolean;
  /** Per cellXfs index, 1 when the style formats numbers as dates. */
  dateStyles: Uint8Array;
  /** The sharedStrings part, read lazily per sheet read (it can be large). */
  sharedStringsEntry: ZipEntry | undefined;
  entries: Map<string, ZipEntry>;
}

function relationships(xml: string): Array<{ id: string; type: string; target: string; external: boolean }> {
  return startTags(xml, 'Relationship').map((tag) => {
    const attributes = parseAttributes(tag);
    return {
      id: attributes.Id ?? '',
      type: attributes.Type ?? '',
      target: attributes.Target ?? '',
      external: (attributes.TargetMode ?? '').toLowerCase() === 'external',
    };
  });
}

/** Resolves a relationship target against the directory of the part that declares it. */
function resolvePart(fromPart: string, target: string): string {
  if (target.startsWith('/')) return normaliseEntryName(target);
  const parts = fromPart.split('/').slice(0, -1);
  for (const segment of target.replace(/\\/g, '/').split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return normaliseEntryName(parts.join('/'));
}

function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return normaliseEntryName(`${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`);
}

// Relationship types differ between transitional and strict OOXML; the last segment does not.
const typeIs = (type: string, name: string) => type.endsWith(`/${name}`);

/**
 * Reads the zip directory, the package and workbook relationships, workbook.xml (sheet names,
 * order, visibility, date system) and styles.xml (which styles are dates).
 */
export async function readWorkbookIndex(source: ByteSource): Promise<WorkbookIndex> {
  const entries = await readZipDirectory(source);
  const text = async (name: string) => {
    const entry = entries.get(name);
    return entry ? readEntryText(source, entry) : undefined;
  };

  const rootRels = await text('_rels/.rels');
  const officeDocument = rootRels ? relationships(rootRels).find((rel) => typeIs(rel.type, 'officeDocument') && !rel.external) : undefined;
  const workbookPart = officeDocument ? resolvePart('', officeDocument.target) : 'xl/workbook.xml';
  if (workbookPart.endsWith('.bin') || entries.has('xl/workbook.bin')) {
    throw new ZipFormatError('this is a binary .xlsb workbook, which is not supported: save it as .xlsx', 'unsupported');
  }
  const workbookXml = await text(workbookPart);
  if (workbookXml === undefined) {
    const kind = entries.has('content.xml') ? 'an OpenDocument (.ods) file' : entries.has('word/document.xml') ? 'a Word document' : 'a zip without a workbook';
    throw new ZipFormatError(`the file is not an .xlsx workbook: it is ${kind} (no ${workbookPart})`, 'not-zip');
  }
  const workbookRels = relationships((await text(relsPathOf(workbookPart))) ?? '');
  const targets = new Map(workbookRels.filter((rel) => !rel.external).map((rel) => [rel.id, { ...rel, part: resolvePart(workbookPart, rel.target) }]));

  const workbookPr = startTags(workbookXml, 'workbookPr')[0];
  const date1904Attribute = workbookPr ? parseAttributes(workbookPr).date1904 : undefined;
  const date1904 = date1904Attribute === '1' || date1904Attribute?.toLowerCase() === 'true';

  const sheets: SheetInfo[] = [];
  for (const tag of startTags(workbookXml, 'sheet')) {
    const attributes = parseAttributes(tag);
    const relId = attributeByLocalName(attributes, 'id', true);
    const target = relId === undefined ? undefined : targets.get(relId);
    // Chart sheets and dialog sheets are tabs, but hold no cells.
    if (!target || !typeIs(target.type, 'worksheet')) continue;
    const entry = entries.get(target.part);
    if (!entry) throw new ZipFormatError(`the workbook is corrupt: sheet "${attributes.name}" points to a missing part ${target.part}`, 'corrupt');
    const state = attributes.state;
    sheets.push({
      name: attributes.name ?? `Sheet${sheets.length + 1}`,
      index: sheets.length,
      visibility: state === 'hidden' || state === 'veryHidden' ? state : 'visible',
      entry,
    });
  }

  const partOfType = (type: string, fallback: string) => {
    const rel = workbookRels.find((candidate) => typeIs(candidate.type, type) && !candidate.external);
    return entries.get(rel ? resolvePart(workbookPart, rel.target) : fallback) ?? entries.get(fallback);
  };
  const stylesEntry = partOfType('styles', 'xl/styles.xml');
  const dateStyles = parseDateStyles(stylesEntry ? await readEntryText(source, stylesEntry) : undefined);
  return { sheets, date1904, dateStyles, sharedStringsEntry: partOfType('sharedStrings', 'xl/sharedstrings.xml'), entries };
}
