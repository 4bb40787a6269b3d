/**
 * Messages per second through the real `fairpack node` process: allocate + release pairs, sent
 * over stdin and answered on stdout, with a window of requests in flight (a client that does not
 * wait for each reply before sending the next — as a scheduler front end would).
 *
 *   npm run build && npx tsx bench/cli-node.ts
 *   FAIRPACK_BENCH_PAIRS=200000 FAIRPACK_BENCH_WINDOW=512 npx tsx bench/cli-node.ts [path/to/cli.js]
 *
 * Each allocate asks cpu 1 of a pool large enough that everything fits; its release is sent as
 * soon as the `allocated` reply arrives. Reported: requests per second (allocate + release
 * messages handled) over the whole run, including process start-up, and without it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { envInt } from './lib/report.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = process.argv[2] ?? join(root, 'dist', 'cli.js');
const pairs = envInt('FAIRPACK_BENCH_PAIRS', 100_000);
const inFlight = envInt('FAIRPACK_BENCH_WINDOW', 256);

if (!existsSync(cli)) {
  console.error(`No ${cli}: run \`npm run build\` first (or pass the path of a built cli.js).`);
  process.exit(2);
}

const spawned = performance.now();
const child = spawn(process.execPath, [cli, 'node', '--capacity', `cpu=${pairs + inFlight},memory=1`], { stdio: ['pipe', 'pipe', 'inherit'] });
const stdin = child.stdin;
let msgId = 0;
let sentAllocates = 0;
let released = 0;
let firstReplyAt = 0;

const send = (body: Record<string, unknown>): void => {
  stdin.write(`${JSON.stringify({ src: 'bench', dest: 'n1', body: { ...body, msg_id: ++msgId } })}\n`);
};
const allocate = (): void => {
  sentAllocates++;
  send({ type: 'allocate', requirements: [{ type: 'cpu', amount: 1 }] });
};

const done = new Promise<number>((resolve, reject) => {
  createInterface({ input: child.stdout }).on('line', (line) => {
    firstReplyAt ||= performance.now();
    const body = (JSON.parse(line) as { body: { type: string; allocation_id?: string; code?: string; text?: string } }).body;
    if (body.type === 'allocated') send({ type: 'release', allocation_id: body.allocation_id, job_status: 'completed' });
    else if (body.type === 'released') {
      released++;
      if (sentAllocates < pairs) allocate();
      else if (released === pairs) resolve(performance.now());
    } else reject(new Error(`unexpected reply: ${line}`));
  });
  child.on('error', reject);
});

const started = performance.now();
for (let i = 0; i < Math.min(inFlight, pairs); i++) allocate();
const finished = await done;
stdin.end();
await new Promise((resolve) => child.on('close', resolve));

const messages = pairs * 2;
const steady = (finished - firstReplyAt) / 1000;
console.log(`fairpack node (${cli}): ${pairs} allocate+release pairs, window ${inFlight}`);
console.log(`  ${messages} messages in ${((finished - started) / 1000).toFixed(2)} s after spawn + ${((started - spawned) / 1000).toFixed(2)} s`);
console.log(`  ${Math.round(messages / ((finished - spawned) / 1000))} messages/s including process start-up`);
console.log(`  ${Math.round(messages / steady)} messages/s from the first reply on (${Math.round(pairs / steady)} pairs/s)`);
