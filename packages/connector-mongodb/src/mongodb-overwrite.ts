import type { ConnectorContext } from '@automl/connector-core';
import { type Db, MongoServerError } from 'mongodb';

const NOT_IMPLEMENTED = 238;
const NAMESPACE_EXISTS = 48;

/**
 * Replaces `target` by the staged collection in one step: `renameCollection` with `dropTarget`,
 * atomic on MongoDB (readers see the old collection or the new one). FerretDB does not implement
 * `dropTarget`: there the target is dropped first, and readers may briefly find no collection.
 * The staging collection exists from the write's start (created empty), so a retried swap that
 * finds it gone knows an earlier attempt's rename landed.
 */
export async function swapInCollection(db: Db, staging: string, target: string, context: ConnectorContext): Promise<void> {
  await context.call('write.commit', async ({ attempt }) => {
    if (attempt > 1 && !(await exists(db, staging))) return;
    try {
      await db.renameCollection(staging, target, { dropTarget: true });
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== NOT_IMPLEMENTED) throw error;
      await db.collection(target).drop();
      try {
        await db.renameCollection(staging, target);
      } catch (renameError) {
        // A writer recreated the target between the drop and the rename: drop it again, once.
        if (!(renameError instanceof MongoServerError) || renameError.code !== NAMESPACE_EXISTS) throw renameError;
        await db.collection(target).drop();
        await db.renameCollection(staging, target);
      }
    }
  });
}

async function exists(db: Db, name: string): Promise<boolean> {
  return (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
}
