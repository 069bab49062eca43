/**
 * Reads `depth` items ahead of the consumer: the next page is requested as soon as the current one
 * is handed over, so its latency overlaps the consumer's work. Memory holds at most `depth` extra
 * pages. When the consumer stops early, `onEarlyExit` runs first (core aborts the requests in
 * flight there), then the pending reads are awaited and the source is closed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth: number, onEarlyExit?: () => void): AsyncGenerator<T> {
  if (depth <= 0) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  const queue: Array<Promise<IteratorResult<T>>> = [];
  let finished = false;
  const pull = () => {
    const next = iterator.next();
    // Surfaced when consumed; until then an early failure must not be an unhandled rejection.
    next.catch(() => undefined);
    queue.push(next);
  };
  try {
    pull();
    while (queue.length > 0) {
      const next = await (queue.shift() as Promise<IteratorResult<T>>);
      if (next.done) {
        finished = true;
        return;
      }
      while (queue.length < depth) pull();
      yield next.value;
    }
    finished = true;
  } catch (error) {
    finished = true;
    await Promise.allSettled(queue);
    throw error;
  } finally {
    if (!finished) {
      onEarlyExit?.();
      await Promise.allSettled(queue);
      await iterator.return?.().catch(() => undefined);
    }
  }
}
