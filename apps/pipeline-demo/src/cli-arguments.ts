import { parseArgs } from 'node:util';
import { crmIds, isCrmId } from './crm-targets.js';
import type { RunDemoOptions } from './run-demo.js';

export const usage = `Usage: pipeline-demo [options]   (from the repository: scripts/run demo [options])

Excel -> AutoML -> Google Sheets -> CRM: trains a churn model on customers.xlsx, scores the new
customers of a Google sheet and upserts churn_risk and segment into the CRM: HubSpot contacts by
email (the default), Pipedrive persons by email, or Salesforce contacts by an external id.
Runs offline against the local sandbox unless the real credentials are set (see README).

Options:
  --crm <name>            hubspot (default), pipedrive or salesforce
  --fresh                 reset the offline sandbox (new sheet, empty CRM) before running
  --data <path>           training workbook (default: data/customers.xlsx)
  --sheet-name <name>     tab of the new-customers spreadsheet (default: its first tab)
  --spreadsheet-id <id>   new-customers spreadsheet (or env NEW_CUSTOMERS_SPREADSHEET_ID; online mode)
  --report <path>         where to write the JSON run report (default: .sandbox-state/reports/)
  --state-dir <path>      the offline sandbox's state folder (default: apps/pipeline-demo/.sandbox-state)
  --offline               use the sandbox even when credentials are set
  --online                require the real services (fail if a credential is missing)
  -h, --help              show this help`;

export type ParsedArguments = { help: true } | { help: false; options: RunDemoOptions };

/** Parses the CLI's arguments; throws a TypeError with a readable message on unknown options. */
export function parseCliArguments(argv: readonly string[]): ParsedArguments {
  // `pnpm run demo -- --fresh` passes the `--` through: ignore it.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      crm: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      data: { type: 'string' },
      'sheet-name': { type: 'string' },
      'spreadsheet-id': { type: 'string' },
      report: { type: 'string' },
      'state-dir': { type: 'string' },
      offline: { type: 'boolean', default: false },
      online: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  if (values.offline && values.online) throw new TypeError('--offline and --online exclude each other');
  const crm = values.crm?.toLowerCase();
  if (crm !== undefined && !isCrmId(crm)) throw new TypeError(`--crm must be one of ${crmIds.join(', ')} (got "${values.crm}")`);
  return {
    help: false,
    options: {
      fresh: values.fresh,
      mode: values.offline ? 'offline' : values.online ? 'online' : 'auto',
      ...(crm === undefined ? {} : { crm }),
      ...(values.data === undefined ? {} : { dataPath: values.data }),
      ...(values['sheet-name'] === undefined ? {} : { sheetName: values['sheet-name'] }),
      ...(values['spreadsheet-id'] === undefined ? {} : { spreadsheetId: values['spreadsheet-id'] }),
      ...(values.report === undefined ? {} : { reportPath: values.report }),
      ...(values['state-dir'] === undefined ? {} : { stateDirectory: values['state-dir'] }),
    },
  };
}
