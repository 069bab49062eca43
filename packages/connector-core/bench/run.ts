// Benchmarks of the shared policy (run with `pnpm bench`, never in the test run).
// 1. Rate limiter accuracy: requests per window achieved vs configured, against the sandbox's
//    server-side quota accounting, and the most requests the server saw in any window.
// 2. Policy overhead: one call through the full policy vs the same bare call, per call.
import { createRecordsApiEmulator } from '@automl/sandbox';
import { ResiliencePolicy, policySettingsFrom } from '../dist/index.js';

function format(value: number, digits = 3): string {
  return value.toFixed(digits);
}

async function limiterAccuracy(limit: number, windowSeconds: number, durationSeconds: number) {
  const emulator = createRecordsApiEmulator({ rateLimit: { limit, windowMs: windowSeconds * 1000 } });
  const baseUrl = await emulator.start();
  const policy = new ResiliencePolicy({
    ...policySettingsFrom({ connectionType: 'pipedrive' }),
    requestsPerMinute: (limit * 60) / windowSeconds,
    rateLimitWindowSeconds: windowSeconds,
    maxRetries: 0,
  });
  const started = Date.now();
  const deadline = started + durationSeconds * 1000;
  let sent = 0;
  // Eight concurrent workers push as hard as they can; only the limiter holds them back.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        await policy.execute('bench', async () => {
          if (Date.now() >= deadline) return;
          sent += 1;
          const response = await fetch(`${baseUrl}/records?limit=1`, { headers: { authorization: 'Bearer records-test-token' } });
          await response.arrayBuffer();
        });
      }
    }),
  );
  const stats = emulator.rateWindow!.stats();
  await emulator.stop();
  const allowed = limit * (durationSeconds / windowSeconds);
  return { configured: `${limit}/${windowSeconds}s`, sent, allowed, ratio: sent / allowed, peak: stats.peakInWindow, rejected: stats.rejected };
}

async function policyOverhead(calls: number) {
  const policy = new ResiliencePolicy({ ...policySettingsFrom({ connectionType: 'hubspot' }), requestsPerMinute: 1e9, rateLimitWindowSeconds: 60 });
  const bare = async () => 1;
  const time = async (run: () => Promise<unknown>) => {
    const start = performance.now();
    for (let index = 0; index < calls; index += 1) await run();
    return performance.now() - start;
  };
  // Warm up both paths so the JIT compares steady states.
  await time(bare);
  await time(() => policy.execute('bench', bare));
  const bareMs = await time(bare);
  const policyMs = await time(() => policy.execute('bench', bare));
  return { calls, bareMs, policyMs, overheadPerCallMs: (policyMs - bareMs) / calls, ratio: policyMs / bareMs };
}

const accuracy = [await limiterAccuracy(20, 1, 10), await limiterAccuracy(100, 2, 10)];
console.log('\nRate limiter accuracy (sliding window, 8 concurrent workers, sandbox counts arrivals)');
console.log('configured  sent  allowed  achieved/allowed  peak-in-any-window  429s');
for (const row of accuracy) {
  console.log(
    `${row.configured.padEnd(10)}  ${String(row.sent).padStart(4)}  ${String(row.allowed).padStart(7)}  ${format(row.ratio).padStart(16)}  ${String(row.peak).padStart(18)}  ${String(row.rejected).padStart(4)}`,
  );
}
const overhead = await policyOverhead(50_000);
console.log('\nPolicy overhead (metrics + retry + breaker + limiter + timeout around an empty async call)');
console.log(
  `calls ${overhead.calls}: bare ${format(overhead.bareMs, 1)} ms, policy ${format(overhead.policyMs, 1)} ms, ratio ${format(overhead.ratio, 1)}x, overhead ${format(overhead.overheadPerCallMs, 4)} ms/call`,
);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
