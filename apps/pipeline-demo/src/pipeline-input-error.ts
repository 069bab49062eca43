/** Data the pipeline cannot use (no label column, nothing to score), with what to do about it. */
export class PipelineInputError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'PipelineInputError';
    this.hint = hint;
  }
}
