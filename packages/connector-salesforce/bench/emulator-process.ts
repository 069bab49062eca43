// The Salesforce emulator in a process of its own, so that serving requests does not run inside the
// measured client's event loop (nor count in its peak RSS). Seeds `argv[2]` contacts, answers every
// REST, Collections and Bulk request after `argv[3]` ms, prints { url, token, credentials } on one
// line, then serves until its standard input closes.
import { createSalesforceEmulator } from '@automl/sandbox/salesforce';

const total = Number(process.argv[2] ?? 0);
const latencyMs = Number(process.argv[3] ?? 100);
const emulator = createSalesforceEmulator({ dailyApiLimit: 10_000_000 });
const url = await emulator.start();
const batch = 5_000;
for (let start = 0; start < total; start += batch) {
  emulator.seed(
    'Contact',
    Array.from({ length: Math.min(batch, total - start) }, (_, offset) => {
      const index = start + offset;
      return {
        External_Id__c: `bench-${index}`,
        LastName: `Last${index}`,
        FirstName: `First${index}`,
        Email: `bench${index}@example.com`,
        Title: index % 3 === 0 ? 'Customer' : 'Lead',
      };
    }),
  );
}
if (latencyMs > 0) emulator.faults.inject({ route: /^(rest|collections|bulk)\./, fault: { kind: 'latency', ms: latencyMs } });
process.stdout.write(`${JSON.stringify({ url, token: emulator.token, credentials: emulator.credentials, refreshToken: emulator.refreshToken })}\n`);
process.stdin.on('data', (chunk) => {
  // "count" asks how many contacts the org holds and how many requests it answered.
  if (String(chunk).trim() === 'count')
    process.stdout.write(`${JSON.stringify({ contacts: emulator.count('Contact'), requests: emulator.requests.length })}\n`);
  if (String(chunk).trim() === 'clear') {
    emulator.clearLog();
    process.stdout.write('{}\n');
  }
});
process.stdin.on('end', () => {
  void emulator.stop().then(() => process.exit(0));
});
