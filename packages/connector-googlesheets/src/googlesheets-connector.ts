import {
  BaseConnector,
  ConfigError,
  UnsupportedOperationError,
  type ConnectionTestResult,
  type ConnectorError,
  type ReadRequest,
  type Row,
  type RowsInput,
  type TableSchema,
  type WriteRequest,
  type WriteResult,
} from '@automl/connector-core';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { JWT } from 'google-auth-library';
import { resolveServiceAccount, type ServiceAccountCredentials } from './googlesheets-credentials.js';
import { classifyGoogleSheetsError } from './googlesheets-errors.js';
import {
  defaultPageSize,
  defaultWriteBatchBytes,
  defaultWriteBatchRows,
  type GoogleSheetsConnectorOptions,
  type ReadGoogleSheetOptions,
  type WriteGoogleSheetOptions,
} from './googlesheets-options.js';
import { describeSheet, readSheetPages } from './googlesheets-reader.js';
import { fetchSpreadsheetLayout, type SheetsSession } from './googlesheets-session.js';
import { writeSheetRows } from './googlesheets-writer.js';

/** Read and write access to spreadsheets; the scope the service-account JWT carries. */
export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

/**
 * Google Sheets through the official Sheets v4 client, authenticated as a service account with a
 * self-signed JWT (Google's documented flow for service accounts: no token endpoint round trip).
 * Every request goes through core's policy; the client's own retries are switched off.
 */
export class GoogleSheetsConnector extends BaseConnector<'googlesheets'> {
  readonly #pageSize: number;
  readonly #writeBatchRows: number;
  readonly #writeBatchBytes: number;
  #api: sheets_v4.Sheets | undefined;
  #credentials: ServiceAccountCredentials | undefined;

  constructor(config: unknown, options: GoogleSheetsConnectorOptions = {}) {
    super('googlesheets', config, options, { read: true, write: true, supportsUpsert: false, maxRecordsPerWrite: options.writeBatchRows ?? defaultWriteBatchRows });
    this.#pageSize = positiveInteger(options.pageSize, defaultPageSize, 'pageSize');
    this.#writeBatchRows = positiveInteger(options.writeBatchRows, defaultWriteBatchRows, 'writeBatchRows');
    this.#writeBatchBytes = positiveInteger(options.writeBatchBytes, defaultWriteBatchBytes, 'writeBatchBytes');
  }

  /** The service account's email once connected: the address sheets must be shared with. */
  get clientEmail(): string | undefined {
    return this.#credentials?.clientEmail;
  }

  protected async openConnection(): Promise<void> {
    if (!this.config.spreadsheetId) {
      throw new ConfigError({
        message: 'spreadsheetId is required',
        connector: this.id,
        operation: 'connect',
        hint: 'Set spreadsheetId (spreadsheet_id): the long id in the sheet URL, between /d/ and /edit.',
      });
    }
    const credentials = await resolveServiceAccount(this.config);
    this.redactor.add(credentials.json);
    this.redactor.add(credentials.privateKey);
    const auth = new JWT({ email: credentials.clientEmail, key: credentials.privateKey.reveal(), keyId: credentials.privateKeyId, scopes: [SHEETS_SCOPE] });
    // Sign the access token locally (a JWT with the scope), as Google's client libraries do for service accounts.
    auth.useJWTAccessWithScope = true;
    this.#credentials = credentials;
    this.#api = sheets({ version: 'v4', auth, retry: false, ...(this.config.baseUrl ? { rootUrl: withTrailingSlash(this.config.baseUrl) } : {}) });
    this.logger.debug({ connector: this.id, clientEmail: credentials.clientEmail, credentialsSource: credentials.source }, 'Google Sheets client ready');
  }

  protected async closeConnection(): Promise<void> {
    this.#api = undefined;
  }

  protected async probe(): Promise<Pick<ConnectionTestResult, 'identity' | 'details'>> {
    const session = await this.#session();
    const response = await this.call('testConnection', ({ signal }) =>
      session.api.spreadsheets.get({ spreadsheetId: session.spreadsheetId, fields: 'spreadsheetId,properties/title,sheets/properties/title' }, { signal }),
    );
    return {
      identity: this.#credentials?.clientEmail,
      details: {
        spreadsheetId: session.spreadsheetId,
        title: response.data.properties?.title ?? '',
        sheets: response.data.sheets?.length ?? 0,
        ...(this.#credentials?.projectId ? { projectId: this.#credentials.projectId } : {}),
      },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return classifyGoogleSheetsError(error, operation, {
      clientEmail: this.#credentials?.clientEmail,
      projectId: this.config.projectId ?? this.#credentials?.projectId,
      spreadsheetId: this.config.spreadsheetId,
    });
  }

  /** Tab names, in order. */
  async listTables(): Promise<string[]> {
    const session = await this.#session();
    return (await fetchSpreadsheetLayout(session, 'listTables')).sheets.map((sheet) => sheet.title);
  }

  async describe(table?: string): Promise<TableSchema> {
    const session = await this.#session();
    return describeSheet(session, table ?? this.config.sheetName);
  }

  /** Pages of typed rows from a tab (`table`, else the config's sheetName, else the first visible tab). */
  read(request: ReadRequest = {}): AsyncIterable<Row[]> {
    return this.#read({ sheetName: request.table, maxRows: request.maxRows, pageSize: request.pageSize, columns: request.columns, signal: request.signal });
  }

  /** The specification's read: a tab and an optional A1 range, the first row as header unless told otherwise. */
  async readGoogleSheet(options: ReadGoogleSheetOptions = {}): Promise<Row[]> {
    const rows: Row[] = [];
    // One push per row: spreading a page into push() passes each row as an argument, and a page of
    // ~150,000 rows overflows the call stack ("Maximum call stack size exceeded").
    for await (const page of this.#read({ ...options, maxRows: options.maxRows ?? this.config.maxRows })) for (const row of page) rows.push(row);
    return rows;
  }

  async *#read(options: ReadGoogleSheetOptions): AsyncGenerator<Row[]> {
    const session = await this.#session();
    yield* readSheetPages(session, {
      sheetName: options.sheetName ?? this.config.sheetName,
      range: options.range,
      headerRow: options.headerRow ?? true,
      pageSize: positiveInteger(options.pageSize, this.#pageSize, 'pageSize'),
      maxRows: options.maxRows ?? Number.POSITIVE_INFINITY,
      columns: options.columns,
      signal: options.signal,
    });
  }

  /** Writes rows to a tab: `overwrite` (default) replaces its content, `append` adds after the last row. */
  override async write(rows: RowsInput, request: WriteRequest = {}): Promise<WriteResult> {
    if (request.mode === 'upsert') {
      throw new UnsupportedOperationError({ message: 'Google Sheets has no keys to upsert on', connector: this.id, operation: 'write', hint: 'Use mode "overwrite" or "append".' });
    }
    const session = await this.#session();
    return writeSheetRows(session, rows, {
      sheetName: request.table ?? this.config.sheetName ?? 'Sheet1',
      mode: request.mode ?? 'overwrite',
      batchRows: this.#writeBatchRows,
      batchBytes: this.#writeBatchBytes,
      signal: request.signal,
    });
  }

  /** The specification-style name for write(): returns the WriteResult (counts and the range written). */
  writeGoogleSheet(rows: RowsInput, options: WriteGoogleSheetOptions = {}): Promise<WriteResult> {
    return this.write(rows, { table: options.sheetName, mode: options.mode, signal: options.signal });
  }

  async #session(): Promise<SheetsSession> {
    await this.connect();
    const api = this.#api;
    if (!api) throw new ConfigError({ message: 'The connector is closed', connector: this.id, operation: 'connect' });
    return {
      api,
      spreadsheetId: this.config.spreadsheetId!,
      call: (operation, fn, options) => this.call(operation, fn, options),
      recordRows: (operation, rows) => this.metrics.recordRows(this.id, operation, rows),
      recordBytes: (operation, bytes) => this.metrics.recordBytes(this.id, operation, bytes),
      logger: this.logger,
    };
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError({ message: `${name} must be a positive integer`, connector: 'googlesheets', operation: 'config' });
  }
  return value;
}

/** The factory core's createConnector() calls. */
export function createConnector(config: unknown, options?: GoogleSheetsConnectorOptions): GoogleSheetsConnector {
  return new GoogleSheetsConnector(config, options);
}
