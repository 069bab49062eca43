export { runPipelineJob, type PipelineConnections, type RunPipelineOptions, type ScoredRow } from './run-pipeline-job.js';
export { parsePipelineSpec, pipelineSpecSchema, type PipelineSpec } from './pipeline-spec.js';
export { histogram, type PipelineEvent, type PipelineReport, type PipelineSourceReport, type PipelineStage } from './pipeline-report.js';
export { planWrite } from './dry-run.js';
export { countSegments, segmentFor, segmentNames, type Segment } from './segment.js';
export {
  newCustomerSheetRows,
  sandboxServiceAccountEmail,
  sandboxSheetTitle,
  sandboxSpreadsheetId,
  sandboxStatePaths,
  startDemoSandbox,
  startOfflineSandbox,
  type DemoSandbox,
  type NewCustomersSeed,
  type OfflineSandbox,
  type OfflineSandboxOptions,
} from './demo-sandbox.js';
