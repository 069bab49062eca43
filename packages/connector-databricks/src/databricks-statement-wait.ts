import { type ConnectorContext, NotReadyError } from '@automl/connector-core';
import { databricksHints } from './databricks-errors.js';
import { abortable, type DriverOperation } from './databricks-statements.js';

/** TOperationState values of a statement still on its way: INITIALIZED, RUNNING, PENDING. */
const inProgress = new Set([0, 1, 7]);

/** The default budget of a statement: a warehouse query may run for hours. */
export const defaultStatementBudgetMs = 6 * 3_600_000;

/**
 * Waits for a statement to finish on the warehouse through core's policy: each status poll is one
 * call, and a statement still running answers NotReadyError, so the policy's backoff spaces the
 * polls within `budgetMs` rather than one request timeout (the driver's own wait is a single
 * promise over all its polls, which a long query would outlive). A poll that fails or times out
 * leaves the statement alone: the read closes it (which cancels it on the warehouse) when it ends.
 * The statement's outcome, a failure included, is read afterwards by whoever fetches its result.
 */
export async function awaitStatement(context: ConnectorContext, operation: DriverOperation, budgetMs: number): Promise<void> {
  await context.call('read.wait', async ({ signal }) => {
    const status = (await abortable(operation.status(false), signal)) as { operationState?: number };
    if (status.operationState !== undefined && inProgress.has(status.operationState)) {
      throw new NotReadyError({
        message: 'Databricks SQL statement running',
        connector: context.connector,
        operation: 'read.wait',
        code: 'STATEMENT_RUNNING',
        readyWithinMs: budgetMs,
        hint: databricksHints.statementRunning,
      });
    }
  });
}
