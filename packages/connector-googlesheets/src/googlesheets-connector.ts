import {
  BaseConnector,
  ConfigError,
  type ConnectionTestResult,
  type ConnectorContext,
  type ConnectorError,
  type ReadRequest,
  type ResolvedWriteRequest,
  type Row,
  type RowsInput,
  type TableSchema,
  type WriteRequest,
  type WriteResult,
  type WriteSession,
} from '@automl/connector-core';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { JWT } from 'google-auth-library';
import { looksLikeKeyJson, resolveServiceAccount, type ServiceAccountCredentials } from './googlesheets-credentials.js';
import { googleSheetsErrorClassifier } from './googlesheets-errors.js';
import { fetchSpreadsheetLayout, type SheetsCalls, type SheetsTarget } from './googlesheets-layout.js';
import {
  defaultPageSize,
  defaultWriteBatchBytes,
  defaultWriteBatchRows,
  type GoogleSheetsConnectorOptions,
  type ReadGoogleSheetOptions,
  type WriteGoogleSheetOptions,
} from './googlesheets-options.js';
import { describeSheet, readSheetPages } from './googlesheets-reader.js';
import { beginSheetsWrite } from './googlesheets-write-session.js';

/** Read and write access to spreadsheets; the scope the service-account JWT carries. */
export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

/** A read with the specification's A1 range and header switch, which readGoogleSheet passes through core's read. */
interface SheetsReadRequest extends ReadRequest {
  range?: string;
  headerRow?: boolean;
}

/**
 * Google Sheets through the official Sheets v4 client, authenticated as a service account with a
 * self-signed JWT (Google's documented flow for service accounts: no token endpoint round trip).
 * Core owns the read and write loops; this class says how to talk to Sheets. Every request goes
 * through core's policy; the client's own retries are switched off.
 */
export class GoogleSheetsConnector extends BaseConnector<'googlesheets'> {
  readonly #pageSize: number;
  #api: sheets_v4.Sheets | undefined;
  #credentials: ServiceAccountCredentials | undefined;
  readonly #classify = googleSheetsErrorClassifier(() => ({
    clientEmail: this.#credentials?.clientEmail,
    projectId: this.config.projectId ?? this.#credentials?.projectId,
    spreadsheetId: this.config.spreadsheetId,
  }));

  constructor(config: unknown, options: GoogleSheetsConnectorOptions = {}) {
    super('googlesheets', config, options, {
      write: true,
      writeModes: ['overwrite', 'append'],
      maxRecordsPerWrite: positiveInteger(options.writeBatchRows, defaultWriteBatchRows, 'writeBatchRows'),
      maxBytesPerWrite: positiveInteger(options.writeBatchBytes, defaultWriteBatchBytes, 'writeBatchBytes'),
      // One batch at a time: rows land in input order, each batch after the one before.
      writeConcurrency: 1,
      incrementalRead: false,
      readAhead: 1,
    });
    this.#pageSize = positiveInteger(options.pageSize, defaultPageSize, 'pageSize');
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
    const target = this.#target();
    const response = await this.call('testConnection', ({ signal }) =>
      target.api.spreadsheets.get({ spreadsheetId: target.spreadsheetId, fields: 'spreadsheetId,properties/title,sheets/properties/title' }, { signal }),
    );
    return {
      identity: this.#credentials?.clientEmail,
      details: {
        spreadsheetId: target.spreadsheetId,
        title: response.data.properties?.title ?? '',
        sheets: response.data.sheets?.length ?? 0,
        ...(this.#credentials?.projectId ? { projectId: this.#credentials.projectId } : {}),
      },
    };
  }

  protected classifyError(error: unknown, operation: string): ConnectorError {
    return this.#classify(error, operation);
  }

  /** Tab names, in order. */
  async listTables(): Promise<string[]> {
    await this.connect();
    return (await fetchSpreadsheetLayout(this.#target(), this.#calls(), 'listTables')).sheets.map((sheet) => sheet.title);
  }

  async describe(table?: string): Promise<TableSchema> {
    await this.connect();
    return describeSheet(this.#target(), this.#calls(), table ?? this.config.sheetName);
  }

  /** Pages of typed rows from a tab (`table`, else the config's sheetName, else the first visible tab). */
  protected override readPages(request: SheetsReadRequest, context: ConnectorContext): AsyncIterable<Row[]> {
    return readSheetPages(this.#target(), context, {
      sheetName: request.table ?? this.config.sheetName,
      range: request.range,
      headerRow: request.headerRow ?? true,
      pageSize: positiveInteger(request.pageSize, this.#pageSize, 'pageSize'),
      maxRows: request.maxRows ?? Number.POSITIVE_INFINITY,
      columns: request.columns,
    });
  }

  /** The specification's read: a tab and an optional A1 range, the first row as header unless told otherwise. */
  readGoogleSheet(options: ReadGoogleSheetOptions = {}): Promise<Row[]> {
    const request: SheetsReadRequest = {
      ...(options.sheetName !== undefined ? { table: options.sheetName } : {}),
      ...(options.range !== undefined ? { range: options.range } : {}),
      ...(options.headerRow !== undefined ? { headerRow: options.headerRow } : {}),
      ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.columns !== undefined ? { columns: options.columns } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    };
    return this.readAll(request);
  }

  /** `overwrite` (default) replaces the tab's content, `append` adds after the last row; the tab is created when missing. */
  protected override resolveWriteRequest(request: WriteRequest): ResolvedWriteRequest {
    return { table: request.table ?? this.config.sheetName ?? 'Sheet1', mode: request.mode ?? 'overwrite', keyColumn: undefined };
  }

  protected override beginWrite(request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession> {
    return beginSheetsWrite(
      this.#target(),
      context,
      { sheetName: request.table ?? 'Sheet1', mode: request.mode === 'append' ? 'append' : 'overwrite' },
      this.#calls(),
    );
  }

  /** The specification-style name for write(): returns the WriteResult (counts and the tab written). */
  writeGoogleSheet(rows: RowsInput, options: WriteGoogleSheetOptions = {}): Promise<WriteResult> {
    return this.write(rows, { table: options.sheetName, mode: options.mode, signal: options.signal });
  }

  /** A key JSON given as `credentialsPath` is not printed with the config. */
  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    const config = json.config as Record<string, unknown>;
    if (typeof config.credentialsPath === 'string' && looksLikeKeyJson(config.credentialsPath))
      config.credentialsPath = '(not a path: the key JSON itself, hidden)';
    return json;
  }

  #target(): SheetsTarget {
    if (!this.#api) throw new ConfigError({ message: 'The connector is closed', connector: this.id, operation: 'connect' });
    return { api: this.#api, spreadsheetId: this.config.spreadsheetId! };
  }

  /** The connector's own calls, for what runs outside a read or a write (listing, describing, cleanup after a cancel). */
  #calls(): SheetsCalls {
    return { call: (operation, fn, options) => this.call(operation, fn, options), logger: this.logger };
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
