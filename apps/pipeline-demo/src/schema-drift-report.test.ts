import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxSheetTitle, sandboxSpreadsheetId } from './offline-sandbox.js';
import { runDemo } from './run-demo.js';
import { noCredentials, temporaryDirectory, writeSmallWorkbook } from './test-support/temporary-workspace.js';

describe('the demo on new customers whose columns drifted from training', () => {
  const workspace = temporaryDirectory('pipeline-demo-drift-');
  afterAll(() => workspace.remove());

  it('prints and reports a numeric column arriving as text that does not parse, instead of imputing it silently', async () => {
    const dataPath = await writeSmallWorkbook(join(workspace.path, 'small.xlsx'), 300);
    let output = '';
    const { exitCode, report } = await runDemo(
      {
        environment: noCredentials,
        stateDirectory: join(workspace.path, 'state'),
        dataPath,
        newCustomers: { count: 30 },
        automl: { folds: 2, candidates: ['logistic-regression'] },
        // Column R is monthly_charges: three customers' charges exported as words.
        onSandboxReady: (sandbox) =>
          sandbox.googleSheets.emulator.setValues(sandboxSpreadsheetId, `'${sandboxSheetTitle}'!R2:R4`, [['twelve'], ['n/c'], ['ten-ish']]),
      },
      (text) => (output += text),
    );
    expect(exitCode).toBe(0);
    expect(report.predictions?.schemaDrift).toEqual([{ column: 'monthly_charges', expected: 'numeric', kind: 'unparseable', rows: 3, total: 30 }]);
    expect(output).toContain('warning: column "monthly_charges" was numeric in training; 3 of 30 values do not read as numeric and were imputed');
  });
});
