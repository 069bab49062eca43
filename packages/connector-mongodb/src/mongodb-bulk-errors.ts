import { MongoBulkWriteError, type WriteError } from 'mongodb';

/**
 * The statement errors of a failed bulk write (insertMany, bulkWrite), when that is all it is;
 * undefined for any other failure (network, authentication, a write-concern error), which the
 * policy classifies and retries. The driver gives one WriteError or an array: always an array here.
 */
export function statementErrors(error: unknown): WriteError[] | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  if (error.result?.getWriteConcernError?.()) return undefined;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : error.writeErrors ? [error.writeErrors] : [];
  return errors.length > 0 ? errors : undefined;
}
