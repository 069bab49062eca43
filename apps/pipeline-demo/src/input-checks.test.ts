import { join } from 'node:path';
import { generateChurnCustomers, withoutLabel } from '@automl/automl';
import type { Row } from '@automl/connector-core';
import { ExcelConnector } from '@automl/connector-excel';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxSheetTitle, sandboxSpreadsheetId } from './offline-sandbox.js';
import { runDemo, type RunDemoOptions } from './run-demo.js';
import { noCredentials, persistedContacts, temporaryDirectory, writeSmallWorkbook } from './test-support/temporary-workspace.js';

const fastAutoML = { folds: 2, candidates: ['logistic-regression'] } as RunDemoOptions['automl'];

async function run(options: RunDemoOptions) {
  let output = '';
  const result = await runDemo({ environment: noCredentials, automl: fastAutoML, ...options }, (text) => (output += text));
  return { ...result, output };
}

describe('the demo refuses inputs it cannot use, in its own words', () => {
  const workspace = temporaryDirectory('pipeline-demo-inputs-');
  afterAll(() => workspace.remove());

  it('a training workbook without the label column fails the train stage with the hint to add it', async () => {
    const dataPath = join(workspace.path, 'no-label.xlsx');
    const excel = new ExcelConnector({ connectionType: 'excel' });
    try {
      await excel.writeExcel(withoutLabel(generateChurnCustomers({ count: 50, seed: 7 }), 'churned') as unknown as Row[], {
        path: dataPath,
        sheetName: 'Customers',
      });
    } finally {
      await excel.close();
    }
    const stateDirectory = join(workspace.path, 'no-label');
    const { exitCode, report, output } = await run({ stateDirectory, dataPath, newCustomers: { count: 5 } });

    expect(exitCode).toBe(1);
    expect(report.error).toMatchObject({ stage: 'train', name: 'PipelineInputError', message: expect.stringContaining('no "churned" column') });
    expect(output).toContain('Hint: Add the label column "churned"');
    expect(report.sources.excel).toMatchObject({ rows: 50, sheet: 'Customers' });
    expect(report.model).toBeUndefined();
    expect(await persistedContacts(stateDirectory)).toHaveLength(0);
  });

  it('a new-customers sheet without data rows fails the predict stage and writes nothing', async () => {
    const dataPath = await writeSmallWorkbook(join(workspace.path, 'small.xlsx'), 200);
    const stateDirectory = join(workspace.path, 'empty-sheet');
    const { exitCode, report, output } = await run({
      stateDirectory,
      dataPath,
      newCustomers: { count: 3 },
      // The three customers' rows blanked: only the header is left.
      onSandboxReady: (sandbox) =>
        sandbox.googleSheets.emulator.setValues(
          sandboxSpreadsheetId,
          `'${sandboxSheetTitle}'!A2:Z4`,
          Array.from({ length: 3 }, () => Array<null>(26).fill(null)),
        ),
    });

    expect(exitCode).toBe(1);
    expect(report.error).toMatchObject({ stage: 'predict', message: 'The new-customers sheet has no data rows' });
    expect(output).toContain('Error in stage predict: The new-customers sheet has no data rows');
    expect(report.sources.googlesheets?.rows).toBe(0);
    expect(report.crm).toBeUndefined();
    expect(await persistedContacts(stateDirectory)).toHaveLength(0);
  });
});
