import type { ConnectorOptions } from '@automl/connector-core';
import { ExcelConnector } from './excel-connector.js';
import type { ExcelSettings } from './excel-types.js';

export { ExcelConnector } from './excel-connector.js';
export type {
  ExcelReadOptions,
  ExcelReadRequest,
  ExcelSettings,
  ExcelSheet,
  ExcelWriteOptions,
  ExcelWriteRequest,
  ReadReport,
  ReadResult,
  ReadWarning,
  ReadWarningCode,
} from './excel-types.js';
export type { UseCols } from './options/parse-use-cols.js';

/** The factory core's `createConnector` loads: `createConnector({ connectionType: 'excel', filePath })`. */
export function createConnector(config: unknown, options?: ConnectorOptions): ExcelConnector {
  return new ExcelConnector(config as ExcelSettings, options);
}
