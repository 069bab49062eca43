export { runDemo, type RunDemoOptions, type RunDemoResult } from './run-demo.js';
export { runPipeline, type PipelineResults, type PipelineSettings } from './pipeline.js';
export { crmTargets, crmTarget, crmIds, defaultCrm, isCrmId } from './crm-targets.js';
export { hubspotTarget } from './crm-hubspot.js';
export { pipedriveTarget, pipedriveStatePath } from './crm-pipedrive.js';
export { salesforceTarget, salesforceStatePath, salesforceExternalId } from './crm-salesforce.js';
export type { CrmConnection, CrmId, CrmSandbox, CrmTarget, ScoredCustomer } from './crm-target.js';
export {
  startOfflineSandbox,
  newCustomerSheetRows,
  sandboxStatePaths,
  sandboxSpreadsheetId,
  sandboxSheetTitle,
  type OfflineSandbox,
  type OfflineSandboxOptions,
  type NewCustomersSeed,
} from './offline-sandbox.js';
export { selectMode, type ModeDecision, type RequestedMode } from './pipeline-mode.js';
export { segmentFor, countSegments, segmentNames, type Segment } from './segment.js';
export { writeRunReport, defaultReportPath, type RunReport, type CrmFailure, type LeaderboardRow, type PipelineMode, type StageName } from './run-report.js';
export { StageProgress, StageFailure, formatDuration, type Write } from './progress.js';
export { parseCliArguments, usage } from './cli-arguments.js';
export { PipelineInputError } from './pipeline-input-error.js';
export { appDirectory, defaultDataPath, defaultStateDirectory } from './app-paths.js';
