// The Pipedrive emulator in a process of its own, for the read comparison: with two cores, the
// emulator's work runs beside the client's instead of inside its event loop. Arguments: the number
// of persons, the latency added to every request (ms). Prints { url, token } on one line, then
// serves until its standard input closes, and prints { requests (by route), peakRssMiB } on its way out.
import { createPipedriveEmulator } from '@automl/sandbox/pipedrive';

const total = Number(process.argv[2] ?? 10_000);
const latencyMs = Number(process.argv[3] ?? 0);
const emulator = createPipedriveEmulator({ rateLimit: false, dailyBudget: Number.MAX_SAFE_INTEGER });
const url = await emulator.start();
emulator.company.addField('persons', 'segment', 'enum', ['high', 'medium', 'low']);
emulator.seed(
  'persons',
  Array.from({ length: total }, (_, index) => ({
    name: `Person ${index}`,
    email: [`bench${index}@example.com`, `bench${index}@home.example`],
    phone: `+33 1 00 00 ${String(index).padStart(4, '0')}`,
    churn_risk: (index % 100) / 100,
    segment: ['high', 'medium', 'low'][index % 3],
    plan: index % 2 ? 'pro' : 'free',
  })),
);
if (latencyMs > 0) emulator.faults.inject({ fault: { kind: 'latency', ms: latencyMs } });
process.stdout.write(`${JSON.stringify({ url, token: emulator.token })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  const requests: Record<string, number> = {};
  for (const request of emulator.requests) requests[request.route] = (requests[request.route] ?? 0) + 1;
  process.stdout.write(`${JSON.stringify({ requests, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  void emulator.stop().then(() => process.exit(0));
});
