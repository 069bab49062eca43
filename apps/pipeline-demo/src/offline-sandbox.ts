// Moved to @automl/pipeline, shared with the CLI and the dashboard.
export {
  newCustomerSheetRows,
  sandboxServiceAccountEmail,
  sandboxSheetTitle,
  sandboxSpreadsheetId,
  sandboxStatePaths,
  startOfflineSandbox,
  type NewCustomersSeed,
  type OfflineSandbox,
  type OfflineSandboxOptions,
} from '@automl/pipeline';
