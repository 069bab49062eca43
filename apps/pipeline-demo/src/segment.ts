// Moved to @automl/pipeline, shared with the CLI and the dashboard.
export { countSegments, segmentFor, segmentNames, type Segment } from '@automl/pipeline';
