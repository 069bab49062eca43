import { ConfigError, ConnectorError, DataError, NotFoundError, PermissionError, TransientError, type ConnectorErrorOptions } from '@automl/connector-core';
import type { ByteSource } from './reader/byte-source.js';
import { ZipFormatError } from './reader/zip-entries.js';

const connector = 'excel';
const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const maxSniffBytes = 8 * 1024 * 1024;

/**
 * Why a file that is not a zip cannot be read, in words a user can act on. An encrypted .xlsx is
 * not a zip at all: Excel wraps it in an OLE compound file (EncryptionInfo + EncryptedPackage),
 * the same container as a legacy .xls, so the stream names tell them apart.
 */
export async function describeNonZip(source: ByteSource, label: string): Promise<DataError> {
  const head = await source.read(0, Math.min(source.size, maxSniffBytes));
  if (head.subarray(0, 8).equals(OLE_SIGNATURE)) {
    const has = (name: string) => head.includes(Buffer.from(name, 'utf16le'));
    if (has('EncryptedPackage') || has('EncryptionInfo')) {
      return dataError(`${label} is password-protected (an encrypted workbook) and cannot be read`, {
        code: 'ENCRYPTED',
        hint: 'Remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and save again, or export an unprotected copy.',
      });
    }
    return dataError(`${label} is a legacy .xls (Excel 97-2003) workbook, which is not supported`, {
      code: 'LEGACY_XLS',
      hint: 'Open it in Excel or LibreOffice and save it as .xlsx.',
    });
  }
  const text = head.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  const looksLike =
    text.startsWith('<html') || text.startsWith('<!doctype html')
      ? 'an HTML page'
      : text.startsWith('<?xml')
        ? 'an XML file (e.g. Excel 2003 XML)'
        : /^[^\0]*[,;\t][^\0]*\n/.test(text)
          ? 'a text/CSV file'
          : undefined;
  return dataError(`${label} is not an .xlsx workbook (not a zip archive${looksLike ? `; it looks like ${looksLike}` : ''})`, {
    code: 'NOT_XLSX',
    hint: 'The Excel connector reads .xlsx and .xlsm files. Save the file as an Excel workbook (.xlsx).',
  });
}

function dataError(message: string, options: Partial<ConnectorErrorOptions> = {}): DataError {
  return new DataError({ message, connector, ...options });
}

const zipErrorCodes: Record<ZipFormatError['reason'], string> = {
  'not-zip': 'NOT_XLSX',
  corrupt: 'CORRUPT',
  unsupported: 'UNSUPPORTED_FORMAT',
  'too-large': 'PART_TOO_LARGE',
};
const zipErrorHints: Record<ZipFormatError['reason'], string> = {
  'not-zip': 'The file may be damaged or still being written; re-export or re-upload it.',
  corrupt: 'The file may be damaged or still being written; re-export or re-upload it.',
  unsupported: 'Save the file as .xlsx from Excel or LibreOffice.',
  'too-large': 'A part this large is not a real workbook (it may be a zip bomb); re-export the data from the program that made it.',
};

/** Maps what file, zip and stream operations throw to the library's typed errors. */
export function classifyExcelError(error: unknown, operation: string, label = 'the workbook'): ConnectorError {
  if (ConnectorError.isInstance(error)) return error;
  if (error instanceof ZipFormatError) {
    return new DataError({
      message: `Cannot read ${label}: ${error.message}`,
      connector,
      operation,
      code: zipErrorCodes[error.reason],
      hint: zipErrorHints[error.reason],
      cause: error,
    });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' && operation === 'write') {
    return new NotFoundError({
      message: `Cannot write ${label}: its directory does not exist`,
      connector,
      operation,
      code,
      hint: 'Create the directory first, or write to a path whose directory exists.',
      cause: error,
    });
  }
  if (code === 'ENOENT') {
    return new NotFoundError({
      message: `${capitalise(label)} does not exist`,
      connector,
      operation,
      code,
      hint: 'Check filePath (relative paths are resolved from the working directory).',
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM')
    return new PermissionError({ message: `No permission to access ${label}`, connector, operation, code, cause: error });
  if (code === 'EISDIR') return new ConfigError({ message: `${capitalise(label)} is a directory, not a workbook`, connector, operation, code, cause: error });
  if (code === 'ENOTREGULAR') {
    return new ConfigError({
      message: `${capitalise(label)} is ${(error as { kind?: string }).kind ?? 'not a regular file'}, not a workbook file`,
      connector,
      operation,
      code,
      hint: 'Give the path of a regular .xlsx file; to read from a pipe or a socket, pass the stream as `source`.',
      cause: error,
    });
  }
  if (code === 'ELOOP') {
    return new ConfigError({
      message: `${capitalise(label)} cannot be opened: it is a symbolic link that leads back to itself (a loop)`,
      connector,
      operation,
      code,
      hint: 'Follow the link with `ls -l` or `readlink -f` and point the path at the real file.',
      cause: error,
    });
  }
  if (code === 'ENAMETOOLONG') {
    return new ConfigError({
      message: `${capitalise(label)} cannot be opened: the path is too long`,
      connector,
      operation,
      code,
      hint: 'Check the path: it may hold something else than a file name.',
      cause: error,
    });
  }
  if (code === 'ENOTDIR')
    return new NotFoundError({ message: `${capitalise(label)} does not exist (a parent is not a directory)`, connector, operation, code, cause: error });
  if (typeof code === 'string' && code.startsWith('Z_')) {
    // zlib: the deflate data of a zip entry is damaged.
    return new DataError({ message: `Cannot read ${label}: it is corrupt (${message})`, connector, operation, code: 'CORRUPT', cause: error });
  }
  if (code === 'EMFILE' || code === 'ENFILE' || code === 'EBUSY' || code === 'EAGAIN') {
    return new TransientError({ message: `${capitalise(label)} is temporarily unavailable (${code})`, connector, operation, code, cause: error });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS') {
    return new ConnectorError({ message: `Cannot write ${label}: ${message}`, connector, operation, code, cause: error });
  }
  return new ConnectorError({ message: `${operation} failed on ${label}: ${message}`, connector, operation, cause: error });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
