export { GoogleSheetsConnector, createConnector, SHEETS_SCOPE } from './googlesheets-connector.js';
export type { GoogleSheetsConnectorOptions, ReadGoogleSheetOptions, WriteGoogleSheetOptions, GoogleSheetsWriteResult } from './googlesheets-options.js';
export { defaultPageSize, defaultWriteBatchBytes, defaultWriteBatchRows } from './googlesheets-options.js';
export { parseServiceAccount, resolveServiceAccount, type ServiceAccountCredentials } from './googlesheets-credentials.js';
export { serialToDate, dateToSerial } from './convert-googlesheets-value.js';
export { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';
