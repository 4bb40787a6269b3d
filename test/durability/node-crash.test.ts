import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../bench/lib/prng.js';
import { startCli, useBuiltCli } from '../cli/built-cli.js';
import { endRound } from './crash-round.js';

/*
 * Nothing acknowledged is lost, for `fairpack node --data` (issue 13 §4): a client keeps up to
 * eight messages in flight on the node's stdin — allocations (some too large for any node: parked),
 * releases, cancels, submit_job, reads — and the test kills the node with SIGKILL at random moments
 * (FAIRPACK_CRASH_KILLS, default 20), restarts it on the same directory, and checks: every
 * allocation it was told of is there with its job and amounts, unless its release was
 * acknowledged; no acknowledged release comes back; every job acknowledged `queued` still exists
 * (cancelled at the end: never UNKNOWN_JOB); the nodes' `allocated` is the sum of the allocations
 * (nothing half applied); no `msg_id` of the node's is ever used twice across restarts; and at the
 * end, with everything released and cancelled, every node has its capacity back exactly.
 */

const KILLS = Number(process.env['FAIRPACK_CRASH_KILLS'] ?? 20);
const SEED = Number(process.env['FAIRPACK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const IN_FLIGHT = 8;

type Json = Record<string, any>;

const cli = useBuiltCli();
let directory: string;
let nodesFile: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'fairpack-node-crash-'));
  nodesFile = join(directory, '..', `${directory.split('/').at(-1) as string}-nodes.json`);
  writeFileSync(nodesFile, JSON.stringify([{ id: 'a', capacity: { cpu: 8, memory: 16 } }, { id: 'b', capacity: { cpu: 4, memory: 8 } }]));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  rmSync(nodesFile, { force: true });
});

/** One run of the node: send a message, get its reply (undefined if the process died first). */
class NodeSession {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;
  readonly #waiting = new Map<number, (reply: Json | undefined) => void>();
  #buffer = '';

  constructor(
    private readonly onMessage: (message: Json) => void,
    private readonly nextMsgId: () => number,
  ) {
    this.child = startCli(cli(), ['node', '--data', directory, '--nodes', nodesFile]);
    let stderr = '';
    this.ready = new Promise((resolve, reject) => {
      this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('fairpack node: ready')) resolve();
      });
      this.child.once('exit', (code) => reject(new Error(`node exited (${code}) before it was ready: ${stderr}`)));
    });
    this.ready.catch(() => undefined);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    void this.exited.then(() => {
      for (const resolve of this.#waiting.values()) resolve(undefined);
      this.#waiting.clear();
    });
    this.child.stdin?.on('error', () => undefined); // EPIPE after the kill
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let newline = this.#buffer.indexOf('\n'); newline >= 0; newline = this.#buffer.indexOf('\n')) {
        const message = JSON.parse(this.#buffer.slice(0, newline)) as Json;
        this.#buffer = this.#buffer.slice(newline + 1);
        this.onMessage(message);
        const resolve = this.#waiting.get(message['body']['in_reply_to'] as number);
        if (resolve !== undefined) {
          this.#waiting.delete(message['body']['in_reply_to'] as number);
          resolve(message['body'] as Json);
        }
      }
    });
  }

  send(body: Json): Promise<Json | undefined> {
    const msgId = this.nextMsgId();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting.set(msgId, resolve);
      this.child.stdin?.write(`${JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: msgId } })}\n`);
    });
  }
}

describe('fairpack node --data: kill -9 at random, restart, nothing acknowledged is lost', () => {
  it(`${KILLS} kills (seed ${SEED})`, async () => {
    const rng = new Prng(SEED);
    let msgIds = 0;
    // what the acknowledgements say
    const live = new Map<string, { jobId: string; cpu: number }>(); // allocation id → its job
    const released = new Set<string>();
    const queued = new Set<string>(); // job ids acknowledged `queued`, not known started or cancelled
    const queuedByMsg = new Map<number, string>(); // the request's msg_id → its queued job
    // allocations whose release (or whose job's cancel) was sent but not answered when the node
    // died: applied or not, both are right
    const uncertain = new Set<string>();
    const seenMsgIds = new Set<number>();
    let acknowledged = 0;
    const onMessage = (message: Json): void => {
      const body = message['body'] as Json;
      expect(seenMsgIds.has(body['msg_id'] as number), `the node used msg_id ${body['msg_id'] as number} twice`).toBe(false);
      seenMsgIds.add(body['msg_id'] as number);
      // an unsolicited `allocated`: a queued job started
      const jobId = queuedByMsg.get(body['in_reply_to'] as number);
      if (body['type'] === 'allocated' && jobId !== undefined && queued.has(jobId)) {
        queued.delete(jobId);
        live.set(body['allocation_id'] as string, { jobId, cpu: body['resources']['cpu'] as number });
      }
    };

    for (let round = 0; round <= KILLS; round++) {
      const session = new NodeSession(onMessage, () => ++msgIds);
      await session.ready;
      await checkRecovered(session, live, released, queued, uncertain);
      let alive = true;
      const work = async (): Promise<void> => {
        while (alive) {
          const roll = rng.next();
          const allocations = [...live.keys()];
          const jobs = [...queued];
          if (roll < 0.45 || allocations.length === 0) {
            const cpu = rng.next() < 0.05 ? 64 : rng.int(1, 4); // 64: no node can hold it, parked
            const msgId = msgIds + 1;
            const reply = await session.send({ type: 'allocate', requirements: [{ type: 'cpu', amount: cpu }] });
            if (reply?.['type'] === 'allocated') live.set(reply['allocation_id'] as string, { jobId: '?', cpu });
            else if (reply?.['type'] === 'queued') {
              queued.add(reply['job_id'] as string);
              queuedByMsg.set(msgId, reply['job_id'] as string);
            } else continue;
            acknowledged++;
          } else if (roll < 0.75) {
            const allocationId = allocations[rng.int(0, allocations.length - 1)] as string;
            const reply = await session.send({ type: 'release', allocation_id: allocationId });
            if (reply === undefined) uncertain.add(allocationId);
            if (reply?.['type'] !== 'released' && reply?.['code'] !== 'ALREADY_RELEASED') continue;
            live.delete(allocationId);
            released.add(allocationId);
            acknowledged++;
          } else if (roll < 0.85 && jobs.length > 0) {
            const jobId = jobs[rng.int(0, jobs.length - 1)] as string;
            const reply = await session.send({ type: 'cancel', job_id: jobId });
            if (reply === undefined) {
              // a cancel not answered may have been applied: the job is no longer asserted, and
              // if it had started (its `allocated` came while the cancel was in flight), the
              // cancel took its allocation too — there or not, both are right
              queued.delete(jobId);
              for (const [id, allocation] of live) if (allocation.jobId === jobId) uncertain.add(id);
            }
            if (reply?.['type'] !== 'cancelled') continue;
            // a job that started meanwhile is cancelled too: its allocation goes
            queued.delete(jobId);
            for (const [id, allocation] of live) if (allocation.jobId === jobId) live.delete(id);
            acknowledged++;
          } else if (roll < 0.92) {
            const msgId = msgIds + 1;
            // one job per message, so that an unsolicited `allocated` (in reply to the message) names it
            const reply = await session.send({ type: 'submit_job', category: 'etl', jobs: 1, concurrency_limit: 3, requirements: [{ type: 'cpu', amount: 1 }] });
            if (reply?.['type'] !== 'jobs_submitted') continue;
            const [jobId] = reply['job_ids'] as string[];
            const [allocationId] = reply['allocation_ids'] as string[];
            if (allocationId !== undefined) live.set(allocationId, { jobId: jobId as string, cpu: 1 });
            else if (jobId !== undefined) {
              queued.add(jobId);
              queuedByMsg.set(msgId, jobId);
            }
            acknowledged++;
          } else {
            await session.send({ type: rng.next() < 0.5 ? 'capacity' : 'queues' });
          }
        }
      };
      const clients = Array.from({ length: IN_FLIGHT }, work);
      await endRound(round === KILLS, rng, {
        kill: () => session.child.kill('SIGKILL'),
        exited: session.exited,
        stopClients: async () => {
          alive = false;
          await Promise.all(clients);
        },
        finish: async () => {
          await checkRecovered(session, live, released, queued, uncertain);
          await drainAndCheckExact(session, queued);
          session.child.stdin?.end();
          await session.exited;
          expect(session.child.exitCode).toBe(0);
        },
      });
    }
    expect(acknowledged).toBeGreaterThan(KILLS * 5);
    console.log(`node --data crash test: ${KILLS} kills, ${acknowledged} acknowledged changes, ${seenMsgIds.size} distinct msg_ids from the node (seed ${SEED})`);
  }, 600_000);
});

/** Every acknowledged fact holds, and the books add up (no change half there). */
async function checkRecovered(session: NodeSession, live: Map<string, { jobId: string; cpu: number }>, released: Set<string>, queued: ReadonlySet<string>, uncertain: Set<string>): Promise<void> {
  const allocations = new Map(((await session.send({ type: 'allocations' }))?.['allocations'] as Json[]).map((a) => [a['allocation_id'] as string, a]));
  // a release that was in flight at the kill: its allocation is there or not, and the books follow
  for (const id of uncertain) {
    if (!allocations.has(id)) {
      live.delete(id);
      released.add(id);
    }
  }
  uncertain.clear();
  for (const [id, known] of live) {
    const allocation = allocations.get(id);
    expect(allocation, `acknowledged allocation ${id} (job ${known.jobId}) was lost`).toBeDefined();
    expect(allocation?.['resources']['cpu'], `allocation ${id}'s cpu`).toBe(known.cpu);
    if (known.jobId !== '?') expect(allocation?.['job_id'], `allocation ${id}'s job`).toBe(known.jobId);
  }
  for (const id of released) expect(allocations.has(id), `released allocation ${id} came back`).toBe(false);
  // a job acknowledged queued is queued still, or running (its `allocated` may have been lost with the crash)
  const running = new Set([...allocations.values()].map((a) => a['job_id'] as string));
  const reply = await session.send({ type: 'queues' });
  const waiting = (reply?.['queues'] as Json[]).reduce((sum, q) => sum + (q['length'] as number), 0) + (reply?.['parked'] as number);
  expect([...queued].filter((id) => !running.has(id)).length, 'acknowledged queued jobs still waiting').toBeLessThanOrEqual(waiting);
  const nodes = (await session.send({ type: 'nodes' }))?.['nodes'] as Json[];
  for (const node of nodes) {
    const held = [...allocations.values()].flatMap((a) => a['placements'] as Json[]).filter((p) => p['node_id'] === node['node_id']);
    expect(node['allocated']['cpu'] ?? 0, `node ${node['node_id'] as string}: allocated is the sum of its placements`).toBe(held.reduce((sum, p) => sum + (p['resources']['cpu'] ?? 0), 0));
  }
}

/** Cancels every acknowledged queued job (none may be unknown), releases everything: capacity comes back exactly. */
async function drainAndCheckExact(session: NodeSession, queued: ReadonlySet<string>): Promise<void> {
  for (const jobId of queued) {
    const reply = await session.send({ type: 'cancel', job_id: jobId });
    expect(reply?.['type'], `acknowledged queued job ${jobId}: ${JSON.stringify(reply)}`).toBe('cancelled');
  }
  for (let round = 0; round < 50; round++) {
    const allocations = (await session.send({ type: 'allocations' }))?.['allocations'] as Json[];
    if (allocations.length === 0) break;
    for (const allocation of allocations) await session.send({ type: 'release', allocation_id: allocation['allocation_id'] });
  }
  const nodes = (await session.send({ type: 'nodes' }))?.['nodes'] as Json[];
  for (const node of nodes) expect(node['available'], `node ${node['node_id'] as string}`).toEqual(node['capacity']);
}
