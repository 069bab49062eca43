// Benchmark: fit the AutoML search on 7,000 training rows x 20 columns of the synthetic churn
// table, score 2,000 held-out rows, and compare with a logistic-regression-only baseline.
// Run with `pnpm bench` (node --expose-gc bench/run.ts; Node strips the erasable TS types).
import { AutoMLOrchestrator, generateChurnCustomers, rocAuc, withoutLabel } from '../dist/index.js';
import type { Row } from '../dist/index.js';

const trainCount = 7000;
const heldOutCount = 2000;
// Held-out customers come from another seed, like the demo's "new customers" batch.
const trainCustomers = generateChurnCustomers({ count: trainCount, seed: 20250101 });
const heldOutCustomers = generateChurnCustomers({ count: heldOutCount, seed: 20250102, firstCustomerNumber: trainCount + 1 });
const trainRows: Row[] = withoutLabel(trainCustomers, 'churned');
const trainLabels = trainCustomers.map((customer) => customer.churned);
const testRows: Row[] = withoutLabel(heldOutCustomers, 'churned');
const testTruth = heldOutCustomers.map((customer) => (customer.churned === 'Yes' ? 1 : 0));

async function measure(name: string, orchestrator: AutoMLOrchestrator) {
  (globalThis as { gc?: () => void }).gc?.();
  const started = performance.now();
  await orchestrator.fit(trainRows, trainLabels);
  const fitMs = performance.now() - started;
  const heldOutAuc = rocAuc(
    testTruth,
    orchestrator.predictProba(testRows).map((row) => row[1] as number),
  );
  return { name, orchestrator, fitMs, heldOutAuc };
}

const search = await measure('automl (5-fold search)', new AutoMLOrchestrator({ seed: 1 }));
const baseline = await measure('baseline: logistic regression + one-hot', new AutoMLOrchestrator({ seed: 1, candidates: ['logistic-regression'] }));
const featureColumns = Object.keys(trainRows[0] ?? {}).length;

console.log(
  `rows: ${trainRows.length} train x ${featureColumns} columns, ${testRows.length} held out; training churn rate ${(trainLabels.filter((label) => label === 'Yes').length / trainLabels.length).toFixed(3)}`,
);
console.log(
  `dropped columns: ${search.orchestrator.droppedColumns.map((column) => `${column.name} (${column.reason})`).join(', ')}; features: ${search.orchestrator.featureSummary.featureCount}`,
);
console.table(
  search.orchestrator.leaderboard.map((entry) => ({
    model: entry.model,
    cvRocAuc: entry.rocAuc.toFixed(4),
    cvAccuracy: entry.accuracy.toFixed(4),
    cvLogLoss: entry.logLoss.toFixed(4),
    fitMsPerFold: Math.round(entry.fitTimeMs),
  })),
);
console.table([
  { run: search.name, best: search.orchestrator.bestModel, fitSeconds: (search.fitMs / 1000).toFixed(2), heldOutAuc: search.heldOutAuc.toFixed(4) },
  { run: baseline.name, best: baseline.orchestrator.bestModel, fitSeconds: (baseline.fitMs / 1000).toFixed(2), heldOutAuc: baseline.heldOutAuc.toFixed(4) },
]);
console.log(`held-out AUC ratio best/baseline: ${(search.heldOutAuc / baseline.heldOutAuc).toFixed(4)}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
