/**
 * A bounded loopback load test of the real `fairpack serve` process with autocannon: each
 * connection submits a job (`POST /jobs`, cpu 0.001) and releases it (`POST /jobs/:id/release`),
 * again and again, for a few seconds. Reported: requests per second, latency, errors and non-2xx
 * answers (the test wants none). A second, shorter run reads `GET /queues` for comparison.
 *
 *   npm run build && npx tsx bench/cli-serve.ts
 *   FAIRPACK_BENCH_SECONDS=5 FAIRPACK_BENCH_CONNECTIONS=50 npx tsx bench/cli-serve.ts [path/to/cli.js]
 *
 * Bounded on purpose: at most 100 connections, at most 30 seconds.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt } from './lib/report.js';

interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}
interface Result {
  readonly requests: Histogram;
  readonly latency: Histogram;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}
type Context = Record<string, unknown>;

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = process.argv[2] ?? join(root, 'dist', 'cli.js');
const seconds = Math.min(envInt('FAIRPACK_BENCH_SECONDS', 5), 30);
const connections = Math.min(envInt('FAIRPACK_BENCH_CONNECTIONS', 50), 100);
const autocannon = createRequire(import.meta.url)('autocannon') as (options: object) => Promise<Result>;

if (!existsSync(cli)) {
  console.error(`No ${cli}: run \`npm run build\` first (or pass the path of a built cli.js).`);
  process.exit(2);
}

const server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--capacity', 'cpu=1000000,memory=1000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match !== null) resolve(match[1] as string);
  });
  server.on('close', (code) => reject(new Error(`fairpack serve exited with ${code}`)));
});

function report(name: string, duration: number, result: Result): void {
  console.log(`${name}: ${connections} connections, ${duration} s`);
  console.log(`  ${Math.round(result.requests.average)} requests/s on average (${result.requests.total} in all)`);
  console.log(`  latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  console.log(`  errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`);
}

const pairs = await autocannon({
  url,
  connections,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      path: '/jobs',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'bench', resources: { cpu: 0.001 } }),
      onResponse: (_status: number, body: string, context: Context) => {
        context['id'] = (JSON.parse(body) as { job: { id: string } }).job.id;
      },
    },
    { method: 'POST', setupRequest: (request: Context, context: Context) => ({ ...request, path: `/jobs/${String(context['id'])}/release` }) },
  ],
});
report('POST /jobs + POST /jobs/:id/release', seconds, pairs);

const readSeconds = Math.max(1, Math.floor(seconds / 2));
const reads = await autocannon({ url: `${url}/queues`, connections, duration: readSeconds });
report('GET /queues', readSeconds, reads);

server.kill('SIGTERM');
await new Promise((resolve) => server.on('close', resolve));
process.exitCode = pairs.errors + pairs.timeouts + pairs.non2xx + reads.errors + reads.timeouts + reads.non2xx === 0 ? 0 : 1;
