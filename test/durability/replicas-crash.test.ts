import type { ChildProcess } from 'node:child_process';
import { describe, expect, it, onTestFailed } from 'vitest';
import { Prng } from '../../bench/lib/prng.js';
import { leaderAmong, useBuiltServe } from '../cli/built-cli.js';

/*
 * Failover with nothing lost (issue 14 §5): three `fairpack serve` replicas on one real PostgreSQL;
 * clients stream submits (each with an Idempotency-Key, retried until answered, through whichever
 * replica they reach — writes to a follower follow its 307) and releases. The test kills the
 * leader with SIGKILL (and starts a new replica in its place) or pauses it with SIGSTOP past its
 * lease and wakes it with SIGCONT, FAIRPACK_REPLICA_ROUNDS times (default 10), then checks: every
 * acknowledged job and release is on the leader and on every follower once caught up, no key made
 * two jobs, and releasing everything gives the node its capacity back exactly. Writes a deposed
 * leader acknowledged would show up as missing here: its fenced writes are never acknowledged.
 */

const ROUNDS = Number(process.env['FAIRPACK_REPLICA_ROUNDS'] ?? 10);
const SEED = Number(process.env['FAIRPACK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const TTL_MS = 2_000;
const ARGS = ['--capacity', 'cpu=48', '--lease-ttl', `${TTL_MS}ms`, '--lease-renew', '250ms'];
type Json = Record<string, any>;

const built = useBuiltServe({ postgres: true });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(3_000), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Json) : {} };
}

interface Replica {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

describe('replicas under kill -9 and SIGSTOP', () => {
  it(`keeps every acknowledged write across ${ROUNDS} failovers (seed ${SEED})`, async () => {
    const rng = new Prng(SEED);
    const args = ['--store', built.postgresUrl(), '--store-schema', `failover_${process.pid}`, ...ARGS];
    const replicas: Replica[] = [];
    /** Every replica started, for the logs of a failure. */
    const all: Replica[] = [];
    /** What the test did when, beside the replicas' notes. */
    const steps: string[] = [];
    const step = (line: string): number => steps.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    const logs = (): string => [`--- the test:`, ...steps, ''].join('\n') + all.map((r) => `--- ${r.url} (${r.child.exitCode ?? r.child.signalCode ?? 'running'}):\n${r.stderr()}`).join('\n');
    // whatever fails (an assertion, a deadline, the test's timeout), the replicas' notes say why
    onTestFailed(() => console.error(`the replicas said:\n${logs()}`));
    const startReplica = async (): Promise<void> => {
      const { url, child, stderr } = await built.serve(args);
      // the replica's notes with the time they came, for the logs of a failure
      let log = stderr();
      child.stderr?.on('data', (chunk: string) => (log += chunk.replace(/^(?=.)/gm, () => `${new Date().toISOString().slice(11, 23)} `)));
      replicas.push({ url, child, stderr: () => log });
      all.push({ url, child, stderr: () => log });
    };
    for (let i = 0; i < 3; i++) await startReplica();

    const leader = async (deadlineMs: number): Promise<Replica> => replicas[await leaderAmong(replicas.map((r) => r.url), deadlineMs)] as Replica;

    // what the acknowledgements say
    const acknowledged = new Map<string, string>(); // key → job id
    const released = new Set<string>(); // job ids whose release was acknowledged
    const uncertainReleases = new Set<string>();
    let stopping = false;
    let keys = 0;
    /** Each acknowledged submit: when it was sent, and when its acknowledgement came. */
    const acks: { sentAt: number; at: number }[] = [];
    const worker = async (w: number): Promise<void> => {
      while (!stopping) {
        const target = replicas[rng.int(0, replicas.length - 1)] as Replica;
        const running = [...acknowledged.values()].filter((id) => !released.has(id) && !uncertainReleases.has(id));
        if (running.length > 0 && rng.int(0, 9) < 3) {
          const id = running[rng.int(0, running.length - 1)] as string;
          uncertainReleases.add(id);
          const answer = await call(target.url, 'POST', `/jobs/${id}/release`).catch(() => undefined);
          if (answer?.status === 200) {
            uncertainReleases.delete(id);
            released.add(id);
          } else if (answer?.status === 409 && answer.json['error']?.['code'] === 'JOB_NOT_RUNNING') {
            uncertainReleases.delete(id); // still queued: nothing to release yet
          }
          continue;
        }
        const key = `w${w}k${keys++}`;
        // retried with the same key until answered: a retry after a failover must not make a second job
        while (!stopping) {
          const replica = replicas[rng.int(0, replicas.length - 1)] as Replica;
          const sentAt = Date.now();
          const answer = await call(replica.url, 'POST', '/jobs', { tenant: key, resources: { cpu: 1 } }, { 'idempotency-key': key }).catch(() => undefined);
          if (answer?.status === 201 || answer?.status === 202) {
            acknowledged.set(key, answer.json['job']['id'] as string);
            acks.push({ sentAt, at: Date.now() });
            break;
          }
          await sleep(20);
        }
      }
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));

    const failovers: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(300 + rng.int(0, 500));
      const current = await leader(TTL_MS + 4_000);
      const at = Date.now();
      if (rng.int(0, 1) === 0) {
        step(`round ${round}: SIGKILL ${current.url}`);
        current.child.kill('SIGKILL');
        replicas.splice(replicas.indexOf(current), 1);
        await startReplica();
      } else {
        // paused past its lease: another replica takes over; woken, it must not acknowledge a write
        step(`round ${round}: SIGSTOP ${current.url}`);
        current.child.kill('SIGSTOP');
        await sleep(TTL_MS + 700);
        step(`round ${round}: SIGCONT ${current.url}`);
        current.child.kill('SIGCONT');
      }
      // the failover time: from the kill to the first acknowledgement of a write sent after it
      const firstAfter = (): number | undefined => acks.filter((ack) => ack.sentAt > at).reduce<number | undefined>((first, ack) => Math.min(first ?? ack.at, ack.at), undefined);
      await expect.poll(firstAfter, { timeout: TTL_MS + 6_000, interval: 10 }).toBeDefined().catch((error: unknown) => {
        throw new Error(`no write acknowledged within ${TTL_MS + 6_000} ms of round ${round}`, { cause: error });
      });
      failovers.push((firstAfter() as number) - at);
      step(`round ${round}: a write acknowledged ${failovers.at(-1)} ms after`);
    }
    await sleep(300);
    stopping = true;
    await Promise.all(workers);

    const final = await leader(TTL_MS + 4_000);
    const jobsOf = async (url: string): Promise<Map<string, Json>> => new Map(((await call(url, 'GET', '/jobs')).json['jobs'] as Json[]).map((job) => [job['id'] as string, job]));
    const jobs = await jobsOf(final.url);
    // no key made two jobs (each job's tenant is its key)
    const perKey = new Map<string, number>();
    for (const job of jobs.values()) perKey.set(job['tenant'] as string, (perKey.get(job['tenant'] as string) ?? 0) + 1);
    expect([...perKey.values()].filter((n) => n > 1)).toEqual([]);
    for (const [key, id] of acknowledged) expect(jobs.get(id)?.['tenant'], `acknowledged job ${id} (key ${key})`).toBe(key);
    for (const id of released) expect(jobs.get(id)?.['status'], `acknowledged release of ${id}`).toBe('completed');
    // every follower, once caught up, says the same
    const seq = (await call(final.url, 'GET', '/healthz')).json['journal']['seq'] as number;
    for (const replica of replicas.filter((r) => r !== final)) {
      await expect.poll(async () => (await call(replica.url, 'GET', '/healthz')).json['journal']?.['seq'], { timeout: 5_000 }).toBe(seq);
      const theirs = await jobsOf(replica.url);
      expect(JSON.stringify([...theirs.values()])).toBe(JSON.stringify([...jobs.values()]));
    }
    // release and cancel everything: the node's capacity comes back exactly (through whichever
    // replica leads by then: on a loaded machine the lead may move even without a kill)
    const cleanupStarted = Date.now();
    let writer: Replica | undefined;
    const write = async (method: string, path: string): Promise<number> => {
      for (let attempt = 0; ; attempt++) {
        writer ??= await leader(TTL_MS + 4_000);
        const answer = await call(writer.url, method, path).catch(() => undefined);
        if (answer !== undefined && answer.status !== 503 && answer.status !== 307) return answer.status;
        step(`${method} ${path}: ${answer?.status ?? 'no answer'} from ${writer.url}`);
        writer = undefined;
        if (attempt > 20) throw new Error(`${method} ${path}: no leader answered`);
        await sleep(100);
      }
    };
    for (const job of jobs.values()) {
      if (job['status'] === 'running') expect(await write('POST', `/jobs/${job['id']}/release`)).toBe(200);
      else if (job['status'] === 'queued') expect(await write('DELETE', `/jobs/${job['id']}`)).toBe(200);
    }
    const last = await leader(TTL_MS + 4_000);
    const nodes = (await call(last.url, 'GET', '/nodes')).json['nodes'] as Json[];
    for (const node of nodes) expect(node['available']).toEqual(node['capacity']);
    failovers.sort((a, b) => a - b);
    console.log(`replicas: ${ROUNDS} failovers (seed ${SEED}): ${acknowledged.size} acknowledged jobs, ${released.size} releases; failover (kill → next acknowledged write) median ${failovers[failovers.length >> 1]} ms, max ${failovers.at(-1)} ms; releasing everything took ${Date.now() - cleanupStarted} ms`);
    // how fast is measured by `npm run bench -- replicas` (docs/performance.md), not asserted here:
    // on a loaded machine a takeover's reload can take seconds, and that is not a loss of anything
  }, 60_000 + ROUNDS * 20_000);
});
