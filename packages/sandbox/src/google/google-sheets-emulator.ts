import { EmulatorServer } from '../harness/emulator-server.js';
import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import { columnLetters } from './a1-notation.js';
import { googleError, rateLimitExceeded, serviceDisabled, tokenError, unauthenticated } from './google-errors.js';
import {
  GOOGLE_TOKEN_URL,
  newAccessToken,
  SHEETS_AUDIENCE,
  ServiceAccountRegistry,
  type Caller,
  type ServiceAccountKey,
  type ServiceAccountRecord,
} from './google-service-accounts.js';
import { grantsSheetsAccess, isResponse, type SheetsContext } from './sheets-access.js';
import { serialToDate, setCellValueForSeed } from './sheets-seed.js';
import type { DeveloperMetadata } from './sheets-developer-metadata.js';
import { developerMetadataRoutes } from './sheets-developer-metadata-routes.js';
import { spreadsheetRoutes } from './sheets-spreadsheet-routes.js';
import {
  exportSpreadsheet,
  getCell,
  importSpreadsheet,
  lastDataRow,
  MAX_CELLS,
  newSheet,
  newSpreadsheetId,
  resolveRange,
  type Role,
  type SpreadsheetState,
} from './sheets-store.js';
import { valuesRoutes } from './sheets-values-routes.js';

export interface GoogleSheetsEmulatorOptions {
  /** Requests per window per service account, answered with 429 RESOURCE_EXHAUSTED past it. Default 60 per minute; false for none. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** Largest request body accepted on writes (bytes). Default 10 MB. */
  maxRequestBytes?: number;
  /** Most cells a spreadsheet's grids may hold together, all tabs counted (Google: 10,000,000). Lower it to test the limit cheaply. */
  maxCells?: number;
  verbose?: boolean;
}

export interface SeedSheet {
  title: string;
  /** Rows of cell values: numbers, strings, booleans, Dates (stored as date serials), null for empty. */
  rows?: unknown[][];
  hidden?: boolean;
  rowCount?: number;
  columnCount?: number;
}

export interface SeedSpreadsheet {
  title?: string;
  /**
   * The spreadsheet's time zone (CLDR, e.g. America/New_York; Etc/GMT by default), reported in its
   * properties. Cells hold wall-clock serials whatever the zone: a Date given to `setValues` is
   * stored as the wall clock of its UTC fields, as if typed in.
   */
  timeZone?: string;
  sheets?: SeedSheet[];
  /** client_emails given access: Editor by default, or `{ email, role: 'reader' }` for Viewer. */
  shareWith?: Array<string | { email: string; role: Role }>;
  spreadsheetId?: string;
}

interface AccessToken {
  clientEmail: string;
  scopes: string[];
  expiresAt: number;
}

/**
 * An emulator of Google's service-account authentication and the Sheets v4 API, for the real
 * @googleapis/sheets client pointed at it with `rootUrl`. It verifies the RS256 signature of the JWT
 * it is sent, either as a self-signed JWT bearer (audience https://sheets.googleapis.com/ or a
 * Sheets scope) or as the assertion of an OAuth2 token exchange at `/token`, then serves
 * spreadsheets shared with that service account.
 */
export function createGoogleSheetsEmulator(options: GoogleSheetsEmulatorOptions = {}) {
  const accounts = new ServiceAccountRegistry();
  const spreadsheets = new Map<string, SpreadsheetState>();
  const disabledProjects = new Set<string>();
  const accessTokens = new Map<string, AccessToken>();
  const callers = new WeakMap<EmulatorRequest, Caller>();
  const rateLimit = options.rateLimit === false ? undefined : (options.rateLimit ?? { limit: 60, windowMs: 60_000 });
  const context: SheetsContext = {
    spreadsheets,
    maxRequestBytes: options.maxRequestBytes ?? 10 * 1024 * 1024,
    maxCells: options.maxCells ?? MAX_CELLS,
    callerOf: (request) => callers.get(request) ?? { clientEmail: '' },
  };

  const authenticate = (request: EmulatorRequest): { principal: string } | EmulatorResponse => {
    if (request.route === 'token') return { principal: 'oauth2' };
    const header = request.headers.authorization;
    if (!header) return unauthenticated('CREDENTIALS_MISSING');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return unauthenticated();
    const caller = callerFromToken(token);
    if (isResponse(caller)) return caller;
    const account = accounts.get(caller.clientEmail);
    if (account && disabledProjects.has(account.projectId)) return serviceDisabled(account.projectNumber);
    callers.set(request, caller);
    return { principal: caller.clientEmail };
  };

  /** A bearer is either a self-signed JWT (verified here) or an access token from `/token`. */
  const callerFromToken = (token: string): Caller | EmulatorResponse => {
    if (token.split('.').length === 3) {
      const verified = accounts.verify(token);
      if (!verified.ok) return unauthenticated(verified.reason === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED');
      const { claims, account } = verified;
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : undefined;
      if (claims.aud === SHEETS_AUDIENCE) return { clientEmail: account.clientEmail };
      if (claims.aud === undefined && scopes && grantsSheetsAccess(scopes)) return { clientEmail: account.clientEmail, scopes };
      return unauthenticated();
    }
    const issued = accessTokens.get(token);
    if (!issued) return unauthenticated();
    if (issued.expiresAt <= Date.now()) return unauthenticated('ACCESS_TOKEN_EXPIRED');
    if (!grantsSheetsAccess(issued.scopes)) return googleError(403, 'Request had insufficient authentication scopes.');
    return { clientEmail: issued.clientEmail, scopes: issued.scopes };
  };

  const tokenRoute: Route = {
    method: 'POST',
    path: '/token',
    name: 'token',
    unmetered: true,
    handler: (request) => {
      const form = (request.body ?? {}) as Record<string, string>;
      if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
        return tokenError('unsupported_grant_type', 'Invalid grant_type: ' + String(form.grant_type ?? ''));
      if (typeof form.assertion !== 'string') return tokenError('invalid_request', 'Missing required parameter: assertion');
      const verified = accounts.verify(form.assertion);
      if (!verified.ok)
        return tokenError(
          'invalid_grant',
          verified.reason === 'unknown issuer'
            ? 'Invalid grant: account not found'
            : verified.reason === 'expired'
              ? 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.'
              : verified.reason,
        );
      const { claims, account } = verified;
      // google-auth-library signs for Google's fixed token URL whatever token_uri says; accept that and our own.
      if (claims.aud !== GOOGLE_TOKEN_URL && claims.aud !== `${server.url}/token`) return tokenError('invalid_grant', 'Invalid JWT: Failed audience check.');
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
      if (scopes.length === 0) return tokenError('invalid_request', 'Invalid OAuth scope or ID token audience provided.');
      const accessToken = newAccessToken();
      accessTokens.set(accessToken, { clientEmail: account.clientEmail, scopes, expiresAt: Date.now() + 3_599_000 });
      return { status: 200, body: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' } };
    },
  };

  const server = new EmulatorServer({
    name: 'googlesheets',
    verbose: options.verbose,
    authenticate,
    rateLimit,
    errorResponse: (status, message, detail) => {
      if (status === 429) return rateLimitExceeded(accounts.export()[0]?.projectNumber ?? '100000000000', rateLimit?.limit ?? 60);
      if (status === 401) return unauthenticated(detail?.kind === 'auth' ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED');
      if (status === 404 && message.startsWith('No route')) return googleError(404, 'Requested entity was not found.');
      return googleError(status, message);
    },
    routes: [tokenRoute, ...valuesRoutes(context), ...developerMetadataRoutes(context), ...spreadsheetRoutes(context)],
    state: {
      export: () => ({
        serviceAccounts: accounts.export(),
        spreadsheets: [...spreadsheets.values()].map(exportSpreadsheet),
        disabledProjects: [...disabledProjects],
      }),
      import: (data) => {
        const state = data as { serviceAccounts?: ServiceAccountRecord[]; spreadsheets?: SpreadsheetState[]; disabledProjects?: string[] };
        accounts.import(state.serviceAccounts ?? []);
        spreadsheets.clear();
        for (const spreadsheet of state.spreadsheets ?? []) spreadsheets.set(spreadsheet.spreadsheetId, importSpreadsheet(spreadsheet));
        disabledProjects.clear();
        for (const project of state.disabledProjects ?? []) disabledProjects.add(project);
      },
    },
  });

  const spreadsheetOf = (spreadsheetId: string): SpreadsheetState => {
    const spreadsheet = spreadsheets.get(spreadsheetId);
    if (!spreadsheet) throw new Error(`No spreadsheet ${spreadsheetId} in the emulator`);
    return spreadsheet;
  };

  const resolve = (spreadsheetId: string, range: string) => {
    const resolved = resolveRange(spreadsheetOf(spreadsheetId), range);
    if (isResponse(resolved)) throw new Error(`Bad range ${range}: ${JSON.stringify(resolved.body)}`);
    return resolved;
  };

  const helpers = {
    /** The URL the Sheets client's `rootUrl` must point at (with a trailing slash). */
    rootUrl(): string {
      return `${server.url}/`;
    },
    /**
     * Creates a service account with a fresh RSA-2048 key and returns its JSON key, as the Console's
     * "Add key -> JSON" does. token_uri points at this emulator when it is started.
     */
    createServiceAccount(account: { clientEmail?: string; projectId?: string; projectNumber?: string } = {}): ServiceAccountKey {
      let tokenUri = GOOGLE_TOKEN_URL;
      try {
        tokenUri = `${server.url}/token`;
      } catch {
        // not started: the key keeps Google's token URL
      }
      const key = accounts.create({ ...account, tokenUri });
      server.saveState();
      return key;
    },
    /** The JSON keys generated for an account (a persisted sandbox hands the same ones out again). */
    serviceAccountKeys(clientEmail: string): ServiceAccountKey[] {
      return accounts.get(clientEmail)?.keys ?? [];
    },
    /** Deletes a key: JWTs signed with it are refused with 401 from then on. */
    revokeKey(privateKeyId: string): boolean {
      return accounts.revokeKey(privateKeyId);
    },
    /** Makes every call of the project's service accounts fail with 403 SERVICE_DISABLED. */
    disableApi(projectId: string): void {
      disabledProjects.add(projectId);
    },
    enableApi(projectId: string): void {
      disabledProjects.delete(projectId);
    },
    /** Creates a spreadsheet with tabs and rows, shared with the given client_emails; returns its id. */
    createSpreadsheet(seed: SeedSpreadsheet = {}): string {
      const spreadsheetId = seed.spreadsheetId ?? newSpreadsheetId();
      const spreadsheet: SpreadsheetState = {
        spreadsheetId,
        title: seed.title ?? 'Untitled spreadsheet',
        locale: 'en_US',
        timeZone: seed.timeZone ?? 'Etc/GMT',
        sheets: [],
        shares: {},
        nextSheetId: 1,
      };
      for (const sheet of seed.sheets ?? [{ title: 'Sheet1' }]) newSheet(spreadsheet, sheet.title, sheet);
      for (const share of seed.shareWith ?? []) {
        if (typeof share === 'string') spreadsheet.shares[share] = 'writer';
        else spreadsheet.shares[share.email] = share.role;
      }
      spreadsheets.set(spreadsheetId, spreadsheet);
      server.saveState();
      return spreadsheetId;
    },
    share(spreadsheetId: string, clientEmail: string, role: Role = 'writer'): void {
      spreadsheetOf(spreadsheetId).shares[clientEmail] = role;
    },
    unshare(spreadsheetId: string, clientEmail: string): void {
      delete spreadsheetOf(spreadsheetId).shares[clientEmail];
    },
    /** Writes raw values from a cell anchor or range (`Sheet1!A1`), Dates as date serials; grows the grid as needed. */
    setValues(spreadsheetId: string, range: string, rows: unknown[][]): void {
      const { sheet, bounds } = resolve(spreadsheetId, range);
      rows.forEach((row, rowOffset) =>
        row.forEach((value, columnOffset) => setCellValueForSeed(sheet, bounds.startRow + rowOffset, bounds.startColumn + columnOffset, value)),
      );
      server.saveState();
    },
    /**
     * The stored values of a range (the whole first tab by default), for assertions: numbers,
     * strings, booleans, Dates for date-formatted cells, null for empty cells; trailing empties dropped.
     */
    getValues(spreadsheetId: string, range?: string): unknown[][] {
      const spreadsheet = spreadsheetOf(spreadsheetId);
      const { sheet, bounds } = resolve(spreadsheetId, range ?? spreadsheet.sheets[0]!.title);
      const last = Math.min(bounds.endRow - 1, lastDataRow(sheet, bounds));
      const rows: unknown[][] = [];
      for (let row = bounds.startRow; row <= last; row += 1) {
        const values: unknown[] = [];
        for (let column = bounds.startColumn; column < bounds.endColumn; column += 1) {
          const cell = getCell(sheet, row, column);
          const isDate = cell?.format === 'DATE' || cell?.format === 'DATE_TIME';
          values.push(cell === undefined || cell.value === null ? null : isDate && typeof cell.value === 'number' ? serialToDate(cell.value) : cell.value);
        }
        while (values.length > 0 && values[values.length - 1] === null) values.pop();
        rows.push(values);
      }
      return rows;
    },
    /** Rows of a tab holding at least one value: what "count rows on the emulator" means. */
    countRows(spreadsheetId: string, sheetTitle: string): number {
      return helpers.getValues(spreadsheetId, `'${sheetTitle.replaceAll("'", "''")}'`).filter((row) => row.length > 0).length;
    },
    /** Tab titles and grid sizes. */
    sheets(spreadsheetId: string): Array<{ title: string; sheetId: number; rowCount: number; columnCount: number; hidden: boolean }> {
      return spreadsheetOf(spreadsheetId).sheets.map(({ title, sheetId, rowCount, columnCount, hidden }) => ({
        title,
        sheetId,
        rowCount,
        columnCount,
        hidden,
      }));
    },
    /** The developer metadata of a spreadsheet (all locations), for assertions. */
    developerMetadata(spreadsheetId: string): DeveloperMetadata[] {
      return structuredClone(spreadsheetOf(spreadsheetId).developerMetadata ?? []);
    },
    /**
     * Empties the emulator for the next test: spreadsheets, issued access tokens, disabled APIs,
     * faults, the request log and the quota window. Service accounts and their keys stay.
     */
    reset(): void {
      spreadsheets.clear();
      accessTokens.clear();
      disabledProjects.clear();
      server.faults.clear();
      server.clearLog();
      server.rateWindow?.reset();
      server.saveState();
    },
    spreadsheetIds(): string[] {
      return [...spreadsheets.keys()];
    },
    /** A1 letters of a 0-based column, handy in tests. */
    columnLetters,
  };
  return Object.assign(server, helpers);
}

export type GoogleSheetsEmulator = ReturnType<typeof createGoogleSheetsEmulator>;
