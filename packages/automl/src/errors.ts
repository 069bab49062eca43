/**
 * Thrown for input the orchestrator cannot learn from or predict on (empty tables, mismatched
 * lengths, a single class, non-finite numbers). A dedicated class lets callers tell bad data
 * apart from programming errors without parsing messages.
 */
export class AutoMLInputError extends Error {
  override readonly name = 'AutoMLInputError';
}

/** Thrown when predict/predictProba/toJSON is called before fit() has finished. */
export class AutoMLNotFittedError extends Error {
  override readonly name = 'AutoMLNotFittedError';
}
