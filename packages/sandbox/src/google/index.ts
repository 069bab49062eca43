// @automl/sandbox/google: the Google emulator alone (service-account auth + Sheets v4).
export {
  createGoogleSheetsEmulator,
  type GoogleSheetsEmulator,
  type GoogleSheetsEmulatorOptions,
  type SeedSheet,
  type SeedSpreadsheet,
} from './google-sheets-emulator.js';
export type { ServiceAccountKey } from './google-service-accounts.js';
export type { DeveloperMetadata, DeveloperMetadataLocation } from './sheets-developer-metadata.js';
export { columnIndex, columnLetters, parseA1, type A1Range } from './a1-notation.js';
