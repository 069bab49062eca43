// Writes data/customers.xlsx, the training table the demo ships with:
//   pnpm --filter @automl/pipeline-demo generate-data            (3,000 customers, seed 20250101)
//   node scripts/generate-customers.ts --count 500 --seed 7 --out /tmp/small.xlsx
// The rows come from @automl/automl's generateChurnCustomers (a seeded telecom-style churn table:
// 21 columns incl. customer_id, email, names, dates, text amounts and the churned label, ~25% churn),
// written with the Excel connector's writeExcel. Same seed and count = the same customers.
// Run `pnpm turbo run build --filter @automl/pipeline-demo...` first: it imports the built packages.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { generateChurnCustomers } from '@automl/automl';
import { ExcelConnector } from '@automl/connector-excel';
import type { Row } from '@automl/connector-core';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '20250101' },
    out: { type: 'string', default: fileURLToPath(new URL('../data/customers.xlsx', import.meta.url)) },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const customers = generateChurnCustomers({ count, seed });
const excel = new ExcelConnector({ connectionType: 'excel' });
const path = await excel.writeExcel(customers as unknown as Row[], { path: values.out, sheetName: 'Customers' });
await excel.close();
const churned = customers.filter((customer) => customer.churned === 'Yes').length;
process.stdout.write(`${path}: ${count} customers (seed ${seed}), ${((100 * churned) / Math.max(1, count)).toFixed(1)}% churned\n`);
