import type { Connector } from '../contract/connector.js';
import type { ConformanceFixture } from './fixture.js';

/** Runs one case with a new connector from the fixture, closed afterwards whatever happens. */
export async function withConnector<T>(
  fixture: ConformanceFixture,
  run: (connector: Connector) => Promise<T>,
  overrides?: Record<string, unknown>,
): Promise<T> {
  const connector = await fixture.create(overrides);
  try {
    return await run(connector);
  } finally {
    await connector.close();
  }
}
