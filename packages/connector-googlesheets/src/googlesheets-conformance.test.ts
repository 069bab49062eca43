import type { Row } from '@automl/connector-core';
import { runConnectorConformance } from '@automl/connector-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { salesRows, startFixture, type Fixture } from './test-support/googlesheets-fixture.js';

let fixture: Fixture;
const [header, ...body] = salesRows as [string[], ...unknown[][]];

beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(async () => {
  await fixture.emulator.stop();
});

runConnectorConformance('googlesheets', {
  create: () => fixture.connector(),
  table: 'Sales',
  rows: body.map((values) => Object.fromEntries(header.map((name, index) => [name, values[index] ?? null])) as Row),
});
