/**
 * Thrown for input the orchestrator cannot learn from or predict on (empty tables, mismatched
 * lengths, a single class, non-finite numbers). A dedicated class lets callers tell bad data
 * apart from programming errors without parsing messages.
 */
export class AutoMLInputError extends Error {
  override readonly name: string = 'AutoMLInputError';
}

/**
 * Thrown by `AutoMLOrchestrator.fromJSON` for a saved model that is not one `toJSON` could have
 * written (truncated, hand-edited, tampered): the message names the first offending path. A
 * subclass of AutoMLInputError, so existing handlers still catch it.
 */
export class AutoMLModelError extends AutoMLInputError {
  override readonly name: string = 'AutoMLModelError';
}

/** Thrown when predict/predictProba/toJSON is called before fit() has finished. */
export class AutoMLNotFittedError extends Error {
  override readonly name = 'AutoMLNotFittedError';
}
