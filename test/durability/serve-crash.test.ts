import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../bench/lib/prng.js';
import { startCli, useBuiltCli } from '../cli/built-cli.js';
import { endRound } from './crash-round.js';

/*
 * Nothing acknowledged is lost (issue 13 §4): clients stream submits, releases and cancels at
 * `fairpack serve --data`; the test kills it with SIGKILL at random moments (FAIRPACK_CRASH_KILLS,
 * default 20), restarts it on the same directory each time, and checks that every acknowledged
 * change is there — each job acknowledged by a submit exists with the status and allocation the
 * acknowledgements say, every acknowledged release and cancel holds — that nothing is half there
 * (the nodes' `allocated` is the sum of the running jobs'), and at the end that releasing and
 * cancelling everything gives every node its capacity back exactly.
 */

const KILLS = Number(process.env['FAIRPACK_CRASH_KILLS'] ?? 20);
const SEED = Number(process.env['FAIRPACK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const NODES = [
  { id: 'a', capacity: { cpu: 8, memory: 16 } },
  { id: 'b', capacity: { cpu: 4, memory: 8 } },
];

type Json = Record<string, any>;

/** What the acknowledgements say about one job: its last acknowledged change. */
interface Known {
  status: 'running' | 'queued' | 'completed' | 'cancelled';
  allocationId?: string;
  placements?: string;
}

const cli = useBuiltCli();
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'fairpack-crash-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  rmSync(NODES_FILE, { force: true });
});

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = startCli(cli(), ['serve', '--port', '0', '--data', directory, '--nodes', NODES_FILE]);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match !== null) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url };
}

const NODES_FILE = join(tmpdir(), `fairpack-crash-nodes-${process.pid}.json`);

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json } | undefined> {
  try {
    const response = await fetch(url + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    return { status: response.status, json: (await response.json()) as Json };
  } catch {
    return undefined; // the server died before answering: not acknowledged
  }
}

describe('fairpack serve --data: kill -9 at random, restart, nothing acknowledged is lost', () => {
  it(`${KILLS} kills (seed ${SEED})`, async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(NODES_FILE, JSON.stringify(NODES));
    const rng = new Prng(SEED);
    const known = new Map<string, Known>();
    let acknowledged = 0;
    let next = 0;
    for (let round = 0; round <= KILLS; round++) {
      const { child, url } = await start();
      await checkRecovered(url, known);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let alive = true;
      // four clients; the last round is not killed, so its checks end the test cleanly
      const work = async (): Promise<void> => {
        while (alive) {
          const ids = [...known.keys()];
          const pick = ids[rng.int(0, Math.max(0, ids.length - 1))];
          const roll = rng.next();
          if (roll < 0.55 || pick === undefined) {
            const id = `j${next++}`;
            const answer = await call(url, 'POST', '/jobs', { id, tenant: `t${rng.int(0, 2)}`, resources: { cpu: rng.int(1, 4), memory: rng.int(0, 4) } });
            if (answer === undefined || (answer.status !== 201 && answer.status !== 202)) continue;
            acknowledged++;
            const allocation = answer.json['allocation'] as Json | undefined;
            known.set(id, { status: answer.status === 201 ? 'running' : 'queued', ...(allocation === undefined ? {} : { allocationId: allocation['id'] as string, placements: JSON.stringify(allocation['placements']) }) });
          } else if (roll < 0.85) {
            const answer = await call(url, 'POST', `/jobs/${pick}/release`);
            if (answer?.status !== 200) continue;
            acknowledged++;
            known.set(pick, { status: 'completed' });
          } else {
            const answer = await call(url, 'DELETE', `/jobs/${pick}`);
            if (answer?.status !== 200) continue;
            acknowledged++;
            const status = answer.json['job']['status'] as string;
            if (status === 'cancelled') known.set(pick, { status: 'cancelled' });
          }
        }
      };
      const clients = [work(), work(), work(), work()];
      await endRound(round === KILLS, rng, {
        kill: () => child.kill('SIGKILL'),
        exited,
        stopClients: async () => {
          alive = false;
          await Promise.all(clients);
        },
        finish: async () => {
          await checkRecovered(url, known);
          await drainAndCheckExact(url);
          child.kill('SIGTERM');
          await exited;
        },
      });
    }
    expect(acknowledged).toBeGreaterThan(KILLS * 5);
    console.log(`serve --data crash test: ${KILLS} kills, ${acknowledged} acknowledged changes, ${known.size} jobs checked after every restart (seed ${SEED})`);
  }, 600_000);
});

/** Every acknowledged fact holds, and the books add up (no change half there). */
async function checkRecovered(url: string, known: ReadonlyMap<string, Known>): Promise<void> {
  const jobs = new Map(((await call(url, 'GET', '/jobs'))?.json['jobs'] as Json[]).map((job) => [job['id'] as string, job]));
  for (const [id, fact] of known) {
    const job = jobs.get(id);
    expect(job, `acknowledged job ${id} was lost`).toBeDefined();
    const status = job?.['status'] as string;
    if (fact.status === 'completed' || fact.status === 'cancelled') expect(status, `job ${id}`).toBe(fact.status);
    else expect(['queued', 'running', 'completed', 'cancelled', 'preempted'], `job ${id}`).toContain(status);
    // a job acknowledged running keeps that allocation while it runs (later changes may end it)
    if (fact.status === 'running' && status === 'running') {
      expect(job?.['allocationId'], `job ${id}'s allocation`).toBe(fact.allocationId);
      const detail = await call(url, 'GET', `/jobs/${id}`);
      expect(JSON.stringify(detail?.json['allocation']?.['placements']), `job ${id}'s placements`).toBe(fact.placements);
    }
  }
  const nodes = (await call(url, 'GET', '/nodes'))?.json['nodes'] as Json[];
  const running = [...jobs.values()].filter((job) => job['status'] === 'running' || job['status'] === 'preempted');
  const cpu = running.reduce((sum, job) => sum + (job['resources']['cpu'] ?? 0), 0);
  expect(nodes.reduce((sum, node) => sum + (node['allocated']['cpu'] ?? 0), 0), 'allocated cpu is the running jobs\' sum').toBe(cpu);
}

/** Releases and cancels everything: every node's capacity comes back exactly. */
async function drainAndCheckExact(url: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const jobs = (await call(url, 'GET', '/jobs'))?.json['jobs'] as Json[];
    const live = jobs.filter((job) => job['status'] === 'running' || job['status'] === 'queued' || job['status'] === 'preempted');
    if (live.length === 0) break;
    for (const job of live) await call(url, 'DELETE', `/jobs/${job['id'] as string}`);
  }
  const nodes = (await call(url, 'GET', '/nodes'))?.json['nodes'] as Json[];
  for (const node of nodes) expect(node['available'], `node ${node['id'] as string}`).toEqual(node['capacity']);
}
