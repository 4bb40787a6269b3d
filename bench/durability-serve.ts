/**
 * The second half of `npm run bench -- durability` (called from bench/durability.ts): durable
 * submit+release pairs per second through the real `fairpack serve` process with `--data <dir>`,
 * against the same process with its state in memory, at 1 and at 50 concurrent clients.
 *
 * A pair is `POST /jobs` (answered 201: the job was allocated at once — the cluster is far larger
 * than the jobs) then `POST /jobs/:id/release` (200). Each client is a loop with one request in
 * flight at a time, over keep-alive connections on 127.0.0.1 (node:http; one per client), until
 * the row's time is up. With `--data`, every mutating request is answered only once its journal entries are
 * fdatasync'ed; concurrent requests share fsyncs (group commit in src/store).
 *
 * Both servers run from source (`node --import tsx src/cli/main.ts serve`: no build needed), for
 * the whole part, with a short warm-up each; the rows then run in rounds, the two servers
 * back to back at each client count (order alternating between rounds), so that the machine's
 * noise falls on both sides of each ratio. The verdict takes the median of the rounds' ratios.
 * Any error, or any answer other than 201/200, stops the bench (exit 1).
 *
 * Environment: FAIRPACK_BENCH_DURABILITY_MS (2000: how long each row runs),
 * FAIRPACK_BENCH_DURABILITY_ROUNDS (3), FAIRPACK_BENCH_DURABILITY_DIR (the parent of the fresh
 * data directory; the OS temp dir by default — a tmpfs makes fsync free).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { envInt, fixed, median, percentile, printTable, verdict } from './lib/report.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const durationMs = envInt('FAIRPACK_BENCH_DURABILITY_MS', 2_000);
const rounds = envInt('FAIRPACK_BENCH_DURABILITY_ROUNDS', 3);
const parent = process.env['FAIRPACK_BENCH_DURABILITY_DIR'] ?? tmpdir();
const WARM_UP_MS = 500;
const CLIENT_COUNTS = [1, 50] as const;
const SUBMIT_BODY = JSON.stringify({ tenant: 'bench', resources: { cpu: 0.001, memory: 0.001 } });

export type Mode = 'in memory' | 'serve --data' | 'serve --store (PostgreSQL)';

export interface Server {
  readonly mode: Mode;
  readonly host: string;
  readonly port: number;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** The last few KiB of the server's stderr, to show when something goes wrong. */
  stderr(): string;
}

export interface Row {
  readonly mode: Mode;
  readonly clients: number;
  readonly round: number;
  readonly pairs: number;
  readonly seconds: number;
  readonly latencies: number[];
  /** Journal entries written during the row, per pair (from GET /healthz; `--data` only). */
  readonly entriesPerPair: number | undefined;
  /** CPU time of the server process (all its threads), of this bench process, in the row. */
  readonly serverCpuMs: number | undefined;
  readonly clientCpuMs: number;
}

/** User + system CPU time of a process so far, in ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on Linux on every common architecture
const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** A request that did not end in the expected answer: the bench stops on the first one. */
class BenchRequestError extends Error {}

/** `fairpack serve` from source on a free port, with `extra` flags (`--data <dir>`, `--store <url>` …). */
export async function startServer(mode: Mode, extra: readonly string[]): Promise<Server> {
  const args = ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve', '--port', '0', '--capacity', 'cpu=1000000,memory=1000000', ...extra];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match !== null) resolve(new URL(match[1] as string));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => reject(new Error(`fairpack serve (${mode}) exited with ${code ?? signal} before listening:\n${stderr}`)));
  });
  return { mode, host: url.hostname, port: Number(url.port), child, stderr: () => stderr };
}

/** SIGTERM (the server finishes requests in flight and, with --data, writes a last snapshot), SIGKILL after 10 s. */
export async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await closed;
  clearTimeout(timer);
}

export function send(server: Server, agent: Agent, method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request({ host: server.host, port: server.port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expect(server: Server, what: string, answer: { status: number; body: string }, status: number): void {
  if (answer.status !== status) throw new BenchRequestError(`${what} through fairpack serve (${server.mode}) answered ${answer.status}, expected ${status}: ${answer.body.slice(0, 500)}`);
}

async function journalSeq(server: Server, agent: Agent): Promise<number | undefined> {
  const answer = await send(server, agent, 'GET', '/healthz');
  expect(server, 'GET /healthz', answer, 200);
  return (JSON.parse(answer.body) as { journal?: { seq: number | null } }).journal?.seq ?? undefined;
}

/** `clients` loops of submit+release over their own keep-alive connections, for `ms`. */
export async function load(server: Server, clients: number, ms: number): Promise<{ pairs: number; seconds: number; latencies: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let pairs = 0;
  let failed = false;
  try {
    const started = performance.now();
    const deadline = started + ms;
    const client = async (): Promise<void> => {
      while (!failed && performance.now() < deadline) {
        const t0 = performance.now();
        const submitted = await send(server, agent, 'POST', '/jobs', SUBMIT_BODY);
        const t1 = performance.now();
        expect(server, 'POST /jobs', submitted, 201); // 202 would mean queued, not allocated at once
        const id = (JSON.parse(submitted.body) as { job: { id: string } }).job.id;
        const released = await send(server, agent, 'POST', `/jobs/${encodeURIComponent(id)}/release`);
        const t2 = performance.now();
        expect(server, 'POST /jobs/:id/release', released, 200);
        latencies.push(t1 - t0, t2 - t1);
        pairs++;
      }
    };
    const settled = await Promise.allSettled(
      Array.from({ length: clients }, () =>
        client().catch((error: unknown) => {
          failed = true; // the other clients stop at their next request
          throw error;
        }),
      ),
    );
    const rejected = settled.find((result) => result.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
    return { pairs, seconds: (performance.now() - started) / 1000, latencies };
  } finally {
    agent.destroy(); // a fresh connection per row: none sits idle past the server's keep-alive timeout
  }
}

export async function measure(server: Server, clients: number, round: number): Promise<Row> {
  const probe = new Agent({ keepAlive: false });
  const before = await journalSeq(server, probe);
  const serverCpu = processCpuMs(server.child.pid);
  const clientCpu = ownCpuMs();
  const { pairs, seconds, latencies } = await load(server, clients, durationMs);
  const clientCpuMs = ownCpuMs() - clientCpu;
  const serverCpuAfter = processCpuMs(server.child.pid);
  const after = await journalSeq(server, probe);
  probe.destroy();
  const entriesPerPair = before === undefined || after === undefined ? undefined : (after - before) / pairs;
  const serverCpuMs = serverCpu === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpu;
  return { mode: server.mode, clients, round, pairs, seconds, latencies, entriesPerPair, serverCpuMs, clientCpuMs };
}

export const rate = (row: Row): number => row.pairs / row.seconds;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

function report(rows: readonly Row[]): void {
  printTable(
    ['server', 'clients', 'round', 'pairs/s', 'latency p50 (ms)', 'p99 (ms)', 'journal entries per pair', 'server CPU per pair (µs)', 'client CPU per pair (µs)', 'CPU used (cores)'],
    rows.map((row) => {
      const sorted = [...row.latencies].sort((a, b) => a - b);
      const perPair = (ms: number | undefined): string => (ms === undefined ? '—' : count((ms * 1000) / row.pairs));
      const cores = row.serverCpuMs === undefined ? NaN : (row.serverCpuMs + row.clientCpuMs) / 1000 / row.seconds;
      return [
        row.mode,
        String(row.clients),
        String(row.round),
        count(rate(row)),
        fixed(percentile(sorted, 50), 2),
        fixed(percentile(sorted, 99), 2),
        row.entriesPerPair === undefined ? '—' : fixed(row.entriesPerPair, 2),
        perPair(row.serverCpuMs),
        perPair(row.clientCpuMs),
        fixed(cores, 2),
      ];
    }),
  );
  const requests = rows.reduce((sum, row) => sum + row.latencies.length, 0);
  console.log(`\nLatency is per request (each pair is two). CPU: the server process's user + system time (all threads, /proc) and this bench process's (the clients), over the row; "cores" is both over the row's wall time. Errors and non-2xx answers: 0 of ${count(requests)} requests (the first one would have stopped the bench).\n`);
  const ratios = new Map<number, number[]>();
  const summary = CLIENT_COUNTS.map((clients) => {
    const of = (mode: Mode): Row[] => rows.filter((row) => row.clients === clients && row.mode === mode);
    const memory = of('in memory');
    const durable = of('serve --data');
    const perRound = durable.map((row) => rate(row) / rate(memory.find((other) => other.round === row.round) as Row));
    ratios.set(clients, perRound);
    return [String(clients), count(median(memory.map(rate))), count(median(durable.map(rate))), perRound.map((r) => fixed(r, 2)).join(', '), fixed(median(perRound), 2)];
  });
  printTable(['clients', 'in memory pairs/s (median)', 'serve --data pairs/s (median)', 'serve --data ÷ in memory, per round', 'median ratio'], summary);
  console.log('');
  const at = (clients: number): { ratio: number; detail: string } => {
    const perRound = ratios.get(clients) ?? [];
    const memory = median(rows.filter((row) => row.clients === clients && row.mode === 'in memory').map(rate));
    const durable = median(rows.filter((row) => row.clients === clients && row.mode === 'serve --data').map(rate));
    const ratio = median(perRound);
    return { ratio, detail: `${count(durable)} ÷ ${count(memory)} pairs/s (medians); ratio ${fixed(ratio, 2)}× (median of ${perRound.length} rounds: ${perRound.map((r) => fixed(r, 2)).join(', ')})` };
  };
  const one = at(1);
  console.log(`1 client through serve --data ÷ in memory (no target): ${one.detail}`);
  const fifty = at(50);
  verdict('durability', '50 clients through serve --data within 2× of in memory', fifty.ratio >= 0.5 ? 'PASS' : 'FAIL', fifty.detail);
}

/** Runs the serve half of the durability part: prints the rows, the summary and the verdict. */
export async function benchServe(): Promise<void> {
  console.log(`## Durability: submit+release pairs/s through \`fairpack serve --data\` against in memory (${durationMs} ms per row, ${rounds} rounds, data under ${parent})\n`);
  const directory = mkdtempSync(join(parent, 'fairpack-bench-durability-serve-'));
  const servers: Server[] = [];
  const killAll = (): void => {
    for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  };
  process.on('exit', killAll); // a crash of the bench still takes the servers down
  try {
    const memory = await startServer('in memory', []);
    servers.push(memory);
    const durable = await startServer('serve --data', ['--data', directory]);
    servers.push(durable);
    for (const server of servers) await load(server, 50, WARM_UP_MS); // JIT, connections, the log's first segment
    const rows: Row[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const clients of CLIENT_COUNTS) {
        const order = round % 2 === 1 ? [memory, durable] : [durable, memory];
        for (const server of order) rows.push(await measure(server, clients, round));
      }
    }
    report(rows);
  } catch (error) {
    for (const server of servers) if (server.stderr() !== '') console.error(`stderr of fairpack serve (${server.mode}):\n${server.stderr()}`);
    throw error;
  } finally {
    await Promise.all(servers.map(stopServer));
    process.off('exit', killAll);
    rmSync(directory, { recursive: true, force: true });
  }
}
