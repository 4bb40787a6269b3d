import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../bench/lib/prng.js';
import { useBuiltCli } from '../cli/built-cli.js';
import { type McpSession, connect } from '../mcp/mcp-session.js';
import { endRound } from './crash-round.js';

/*
 * Nothing acknowledged is lost, for `fairpack mcp --data` (issue 19 §3): an MCP client (the SDK's,
 * over stdio) keeps up to eight tool calls in flight — request_resources (some too large: failed),
 * submit_job (some pending), release_resources, reads — and the test kills the server with SIGKILL
 * at random moments (FAIRPACK_CRASH_KILLS, default 20), restarts it on the same directory, and
 * checks: every allocation it was answered is there in the state the answers say — active with
 * the same worker and MCP endpoints, pending (or started since), failed — unless its release was
 * answered; no answered release comes back; no allocation id is ever given twice across restarts;
 * get_capacity's allocated workers and running MCP servers are what the active allocations hold
 * (nothing half applied); and at the end, with everything released, the capacity is back exactly.
 */

const KILLS = Number(process.env['FAIRPACK_CRASH_KILLS'] ?? 20);
const SEED = Number(process.env['FAIRPACK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const IN_FLIGHT = 8;
const SERVERS = ['filesystem', 'github', 'slack', 'postgres', 'browser', 'search'];
const TOTAL = { cpu: 24, memory: 49152, workers: 24 };

type Json = Record<string, any>;

/** What the answers said of one allocation. */
interface Known {
  state: 'active' | 'pending' | 'failed';
  readonly workers: number;
  /** Active when answered: its workers' and MCP servers' endpoints. */
  readonly endpoints?: { readonly workers: readonly string[]; readonly servers: readonly Json[] };
}

const cli = useBuiltCli();
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'fairpack-mcp-crash-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A tool call's JSON answer; undefined when the server died before it answered. */
async function call(session: McpSession, name: string, args: Json = {}): Promise<any> {
  let result;
  try {
    result = await session.client.callTool({ name, arguments: args });
  } catch {
    return undefined;
  }
  const text = (result.content as { text: string }[])[0]?.text ?? '';
  if (result.isError === true) throw new Error(`${name} answered a tool error: ${text}`);
  return JSON.parse(text);
}

describe('fairpack mcp --data: kill -9 at random, restart, nothing acknowledged is lost', () => {
  it(`${KILLS} kills (seed ${SEED})`, async () => {
    const rng = new Prng(SEED);
    const known = new Map<string, Known>();
    const released = new Set<string>();
    // releases sent but not answered when the server died: applied or not, both are right
    const uncertain = new Set<string>();
    let acknowledged = 0;
    const given = (id: string): void => {
      expect(known.has(id), `allocation id ${id} given twice`).toBe(false);
    };

    for (let round = 0; round <= KILLS; round++) {
      const session = await connect(cli(), ['--data', directory, '--cpu', String(TOTAL.cpu), '--memory', String(TOTAL.memory), '--workers', String(TOTAL.workers)]);
      await checkRecovered(session, known, released, uncertain);
      let alive = true;
      const work = async (): Promise<void> => {
        while (alive) {
          const roll = rng.next();
          const open = [...known].filter(([id, allocation]) => allocation.state !== 'failed' && !released.has(id) && !uncertain.has(id)).map(([id]) => id);
          if (roll < 0.5 || open.length === 0) {
            const tool = rng.next() < 0.7 ? 'request_resources' : 'submit_job';
            // 30 workers: more than the cluster has (request_resources: failed; submit_job: failed, it can never fit)
            const workers = rng.next() < 0.05 ? 30 : rng.int(1, 3);
            const servers = SERVERS.filter(() => rng.next() < 0.3);
            const answer = await call(session, tool, { job_id: `job-${rng.int(1, 4)}`, mcp_servers: servers, workers, priority: rng.next() < 0.5 ? 'normal' : 'high' });
            if (answer === undefined) return; // the server is gone: a call now fails at once, and looping would starve the timers
            given(answer.allocation_id as string);
            if (answer.status === 'active') {
              known.set(answer.allocation_id, { state: 'active', workers, endpoints: { workers: (answer.workers_allocated as Json[]).map((w) => w['endpoint'] as string), servers: answer.mcp_servers as Json[] } });
            } else known.set(answer.allocation_id, { state: answer.status as 'pending' | 'failed', workers });
            acknowledged++;
          } else if (roll < 0.8) {
            const id = open[rng.int(0, open.length - 1)] as string;
            uncertain.add(id);
            const answer = await call(session, 'release_resources', { allocation_id: id });
            if (answer === undefined) return; // the server is gone: a call now fails at once, and looping would starve the timers
            uncertain.delete(id);
            expect(answer.status, JSON.stringify(answer)).toBe('released');
            released.add(id);
            acknowledged++;
          } else {
            if ((await call(session, rng.next() < 0.5 ? 'get_capacity' : 'list_allocations')) === undefined) return;
          }
        }
      };
      const clients = Array.from({ length: IN_FLIGHT }, work);
      let killed: Promise<unknown> = Promise.resolve();
      await endRound(round === KILLS, rng, {
        kill: () => {
          killed = session.kill();
        },
        get exited() {
          return killed.then(() => undefined);
        },
        stopClients: async () => {
          alive = false;
          await Promise.all(clients);
        },
        finish: async () => {
          await checkRecovered(session, known, released, uncertain);
          await drainAndCheckExact(session);
          expect(await session.close()).toContain('fairpack mcp: stopped');
        },
      });
    }
    expect(acknowledged).toBeGreaterThan(KILLS * 5);
    console.log(`mcp --data crash test: ${KILLS} kills, ${acknowledged} acknowledged requests and releases, ${known.size} allocation ids, none given twice (seed ${SEED})`);
  }, 600_000);
});

/** Every acknowledged answer holds, and the books add up (no change half there). */
async function checkRecovered(session: McpSession, known: Map<string, Known>, released: Set<string>, uncertain: Set<string>): Promise<void> {
  const list = new Map(((await call(session, 'list_allocations')) as Json[]).map((a) => [a['allocation_id'] as string, a]));
  // a release in flight at the kill: applied or not, and the books follow
  for (const id of uncertain) if (list.get(id)?.['state'] === 'released') released.add(id);
  uncertain.clear();
  for (const [id, allocation] of known) {
    const now = list.get(id);
    expect(now, `acknowledged allocation ${id} was lost`).toBeDefined();
    if (released.has(id)) {
      expect(now?.['state'], `released allocation ${id} came back`).toBe('released');
      continue;
    }
    if (allocation.state === 'pending' && now?.['state'] === 'active') allocation.state = 'active'; // it started since (a release made room)
    expect(now?.['state'], `allocation ${id}`).toBe(allocation.state);
    if (allocation.state === 'active' && allocation.endpoints !== undefined) {
      const detail = await call(session, 'get_allocation', { allocation_id: id });
      expect((detail.workers as Json[]).map((w) => w['endpoint']), `allocation ${id}'s worker ports`).toEqual(allocation.endpoints.workers);
      expect(detail.mcp_servers, `allocation ${id}'s MCP servers`).toEqual(allocation.endpoints.servers);
    }
  }
  // the capacity is what the active allocations hold: workers, and the MCP servers they use
  const active = [...list.values()].filter((a) => a['state'] === 'active');
  const servers = new Set<string>();
  for (const a of active) for (const server of (await call(session, 'get_allocation', { allocation_id: a['allocation_id'] })).mcp_servers as Json[]) servers.add(server['name'] as string);
  const capacity = await call(session, 'get_capacity');
  expect(capacity.allocated_workers, 'allocated workers: the sum of the active allocations').toBe(active.reduce((sum, a) => sum + (a['workers'] as number), 0));
  expect(capacity.active_allocations).toBe(active.length);
  expect([...capacity.running_mcp_servers].sort(), 'running MCP servers: those the active allocations use').toEqual([...servers].sort());
}

/** Releases every allocation that holds or waits: the capacity is back exactly, no MCP server runs. */
async function drainAndCheckExact(session: McpSession): Promise<void> {
  for (const allocation of (await call(session, 'list_allocations')) as Json[]) {
    if (allocation['state'] === 'active' || allocation['state'] === 'pending') expect((await call(session, 'release_resources', { allocation_id: allocation['allocation_id'] })).status).toBe('released');
  }
  expect(await call(session, 'get_capacity')).toEqual({
    total_cpu: TOTAL.cpu,
    total_memory: TOTAL.memory,
    total_workers: TOTAL.workers,
    allocated_cpu: 0,
    allocated_memory: 0,
    allocated_workers: 0,
    available_cpu: TOTAL.cpu,
    available_memory: TOTAL.memory,
    available_workers: TOTAL.workers,
    running_mcp_servers: [],
    active_allocations: 0,
  });
}
