import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AllocationManager, type ManagerSnapshot, isFairpackError } from 'fairpack';
import { AllocationTools, type AllocationToolsSnapshot, SEED_PRIORITY_CLASSES } from '../../src/mcp/index.js';
import { propertyRuns } from '../support.js';
import { SEED_START } from './helpers.js';

/*
 * Tools restored from their snapshot (over a manager restored from the manager's, taken at the
 * same moment) answer every further call exactly as the original do: the same JSON, byte for
 * byte — allocation ids, ports, states, preemption, the queue, history forgotten in the same
 * order. `fairpack mcp --data` relies on it: it restores both and replays the calls after them.
 */

type Step = { readonly kind: 'call'; readonly tool: string; readonly args: Record<string, unknown> } | { readonly kind: 'advance'; readonly ms: number };

const SERVERS = ['filesystem', 'github', 'slack', 'postgres'];
const PRIORITIES = ['low', 'normal', 'high', 'critical'];

const request = (tool: 'request_resources' | 'submit_job') =>
  fc
    .record({
      job: fc.constantFrom('job-a', 'job-b', '__proto__'),
      servers: fc.subarray(SERVERS),
      // now and then more servers than the 100 MCP ports can hold together
      many: fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 30, max: 90 }) }),
      workers: fc.integer({ min: 0, max: 9 }),
      priority: fc.constantFrom(...PRIORITIES),
      ttl: fc.integer({ min: 1, max: 6 }),
      metadata: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })), { nil: undefined }),
    })
    .map(({ job, servers, many, workers, priority, ttl, metadata }): Step => ({
      kind: 'call',
      tool,
      args: {
        job_id: job,
        mcp_servers: many === undefined ? servers : Array.from({ length: many }, (_, i) => `${job}-${i}`),
        workers,
        priority,
        ttl_seconds: ttl,
        ...(metadata === undefined ? {} : { metadata }),
      },
    }));

/** Every tool (bad arguments too), with ids the tools gave out picked by index (`@3`: the 4th id seen). */
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: request('request_resources') },
  { weight: 3, arbitrary: request('submit_job') },
  { weight: 4, arbitrary: fc.nat().map((pick): Step => ({ kind: 'call', tool: 'release_resources', args: { allocation_id: `@${pick}` } })) },
  { weight: 2, arbitrary: fc.nat().map((pick): Step => ({ kind: 'call', tool: 'get_allocation', args: { allocation_id: `@${pick}` } })) },
  { weight: 1, arbitrary: fc.nat().map((pick): Step => ({ kind: 'call', tool: 'explain', args: { allocation_id: `@${pick}` } })) },
  { weight: 1, arbitrary: fc.record({ workers: fc.integer({ min: 0, max: 12 }), servers: fc.subarray(SERVERS) }).map(({ workers, servers }): Step => ({ kind: 'call', tool: 'explain', args: { workers, mcp_servers: servers } })) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ kind: 'call', tool: 'list_allocations', args: {} }, { kind: 'call', tool: 'list_allocations', args: { state: 'pending' } }, { kind: 'call', tool: 'list_allocations', args: { job_id: 'job-a' } }) },
  { weight: 2, arbitrary: fc.constantFrom('get_capacity', 'cleanup_expired', 'queues').map((tool): Step => ({ kind: 'call', tool, args: {} })) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ kind: 'call', tool: 'request_resources', args: { job_id: 'x', mcp_servers: [], workers: -1 } }, { kind: 'call', tool: 'nope', args: {} }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 4000 }).map((ms): Step => ({ kind: 'advance', ms })) },
);

/** One side: tools over a manager on an injected clock, and every answer they gave. */
interface Side {
  readonly manager: AllocationManager;
  readonly tools: AllocationTools;
  readonly out: string[];
}

function fresh(clock: { now: number }): Side {
  const tools = new AllocationTools({
    nodes: [
      { id: 'small', capacity: { cpu: 4, memory: 8192, workers: 4 } },
      { id: 'large', capacity: { cpu: 8, memory: 16384, workers: 8 } },
    ],
    // low allocations get a grace period when evicted: they stay `releasing` until it ends
    managerOptions: { preemption: { backoffMs: 1500 }, priorityClasses: SEED_PRIORITY_CLASSES.map((spec) => (spec.name === 'low' ? { ...spec, preemptionGraceMs: 2000 } : spec)) },
    history: 4,
    now: () => clock.now,
  });
  return { manager: tools.manager, tools, out: [] };
}

/** Replaces `@N` with the N-th allocation id the side has answered (mod their count). */
function resolve(args: Record<string, unknown>, out: readonly string[]): Record<string, unknown> {
  const id = args['allocation_id'];
  if (typeof id !== 'string' || !id.startsWith('@')) return args;
  const seen = [...new Set(out.flatMap((answer) => [...answer.matchAll(/"(alloc-[0-9a-f]{12})"/g)].map((match) => match[1] as string)))];
  return { ...args, allocation_id: seen.length === 0 ? 'alloc-000000000000' : (seen[Number(id.slice(1)) % seen.length] as string) };
}

async function apply(side: Side, s: Step): Promise<void> {
  if (s.kind === 'advance') {
    side.manager.tick();
    return;
  }
  try {
    side.out.push(JSON.stringify(await side.tools.call(s.tool, resolve(s.args, side.out))));
  } catch (error) {
    side.out.push(isFairpackError(error) ? `${error.code}: ${error.message}` : `bug: ${String(error)}`);
  }
}

function restoreSide(side: Side, clock: { now: number }): Side {
  const managerSnapshot = JSON.parse(JSON.stringify(side.manager.snapshot())) as ManagerSnapshot;
  const toolsSnapshot = JSON.parse(JSON.stringify(side.tools.snapshot())) as AllocationToolsSnapshot;
  const manager = AllocationManager.restore(managerSnapshot, { now: () => clock.now, timers: false });
  return { manager, tools: AllocationTools.restore(manager, toolsSnapshot, { now: () => clock.now }), out: [...side.out] };
}

describe('AllocationTools.snapshot / restore', () => {
  it('restored tools answer every further call as the original do, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60, size: 'medium' }), fc.array(step, { maxLength: 60, size: 'medium' }), async (before, after) => {
        const clock = { now: SEED_START };
        const original = fresh(clock);
        for (const s of before) {
          if (s.kind === 'advance') clock.now += s.ms;
          await apply(original, s);
        }
        const restored = restoreSide(original, clock);
        expect(restored.tools.snapshot()).toEqual(original.tools.snapshot());
        for (const s of after) {
          const from = original.out.length;
          if (s.kind === 'advance') clock.now += s.ms;
          await apply(original, s);
          await apply(restored, s);
          expect(restored.out.slice(from)).toEqual(original.out.slice(from));
        }
        expect(restored.out).not.toContain(expect.stringMatching(/^bug: /));
        expect(restored.tools.snapshot()).toEqual(original.tools.snapshot());
        expect(restored.manager.snapshot()).toEqual(original.manager.snapshot());
        original.tools.close();
        restored.tools.close();
        restored.manager.close();
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  it('ids are alloc- and 12 hex digits: a random prefix per instance, then a counter, carried on by a restore', () => {
    const clock = { now: SEED_START };
    const side = fresh(clock);
    const ids = [1, 2, 3].map(() => side.tools.requestResources({ job_id: 'j', mcp_servers: [] })['allocation_id'] as string);
    for (const id of ids) expect(id).toMatch(/^alloc-[0-9a-f]{12}$/);
    const prefix = (ids[0] as string).slice(6, 12);
    expect(ids).toEqual([`alloc-${prefix}000001`, `alloc-${prefix}000002`, `alloc-${prefix}000003`]);
    expect(fresh(clock).tools.requestResources({ job_id: 'j', mcp_servers: [] })['allocation_id']).not.toBe(ids[0]);
    const restored = restoreSide(side, clock);
    expect(restored.tools.requestResources({ job_id: 'j', mcp_servers: [] })['allocation_id']).toBe(`alloc-${prefix}000004`);
    // past the 6-digit counter, it carries into the prefix: still 12 hex digits
    const snapshot = { ...side.tools.snapshot(), ids: { prefix: 'ffffff', count: 0xffffff, custom: false } };
    const wrapped = AllocationTools.restore(restoreSide(side, clock).manager, snapshot, { now: () => clock.now });
    expect(wrapped.requestResources({ job_id: 'j', mcp_servers: [] })['allocation_id']).toBe('alloc-000000000000');
    expect(wrapped.requestResources({ job_id: 'j', mcp_servers: [] })['allocation_id']).toBe('alloc-000000000001');
  });

  it('keeps a custom newAllocationId only when it is given again', () => {
    const clock = { now: SEED_START };
    let next = 0;
    const tools = new AllocationTools({ now: () => clock.now, newAllocationId: () => `mine-${++next}` });
    tools.requestResources({ job_id: 'j', mcp_servers: [], workers: 1 });
    const manager = AllocationManager.restore(tools.manager.snapshot(), { now: () => clock.now, timers: false });
    expect(codeOf(() => AllocationTools.restore(manager, tools.snapshot()))).toBe('INVALID_SNAPSHOT');
    const restored = AllocationTools.restore(manager, tools.snapshot(), { newAllocationId: () => `mine-${++next}`, now: () => clock.now });
    expect(restored.requestResources({ job_id: 'j', mcp_servers: [] })['allocation_id']).toBe('mine-2');
    const plain = new AllocationTools({ now: () => clock.now });
    expect(codeOf(() => AllocationTools.restore(plain.manager, plain.snapshot(), { newAllocationId: () => 'x' }))).toBe('INVALID_OPTION');
  });

  it('refuses a snapshot whose allocations are not where the manager says, naming the path', () => {
    const clock = { now: SEED_START };
    const side = fresh(clock);
    const active = side.tools.requestResources({ job_id: 'a', mcp_servers: ['github'], workers: 2 })['allocation_id'] as string;
    const snapshot = side.tools.snapshot();
    // an empty manager: the active allocation's job is not in it
    const empty = new AllocationManager({ nodes: [{ id: 'small', capacity: { cpu: 4, memory: 8192, workers: 4 } }], now: () => clock.now, timers: false });
    const error = refusal(() => AllocationTools.restore(empty, snapshot));
    expect(error).toMatchObject({ code: 'INVALID_SNAPSHOT', details: { path: 'allocations[0].state' } });
    expect(error.message).toContain(`allocation "${active}" is active here but its job is unknown in the manager`);
    // the manager moved on (released) after the snapshot was taken
    side.tools.releaseResources({ allocation_id: active });
    expect(refusal(() => AllocationTools.restore(side.manager, snapshot)).message).toContain('is active here but its job is completed in the manager');
  });

  it('refuses a tampered snapshot with INVALID_SNAPSHOT naming the first problem', () => {
    const clock = { now: SEED_START };
    const side = fresh(clock);
    side.tools.requestResources({ job_id: 'a', mcp_servers: ['github', 'slack'], workers: 2 });
    side.tools.requestResources({ job_id: 'b', mcp_servers: ['github'], workers: 1 });
    const released = side.tools.requestResources({ job_id: 'c', mcp_servers: [], workers: 1 })['allocation_id'] as string;
    side.tools.releaseResources({ allocation_id: released });
    const snapshot = side.tools.snapshot();
    const [first, second] = snapshot.allocations as [AllocationToolsSnapshot['allocations'][number], AllocationToolsSnapshot['allocations'][number]];
    const cases: [bad: unknown, path: string][] = [
      [null, ''],
      [{ ...snapshot, format: 'fairpack.protocol' }, 'format'],
      [{ ...snapshot, version: 2 }, 'version'],
      [{ ...snapshot, extra: 1 }, ''],
      [{ ...snapshot, settings: { ...snapshot.settings, workerCpu: -1 } }, 'settings.workerCpu'],
      [{ ...snapshot, clock: 'now' }, 'clock'],
      [{ ...snapshot, ids: { ...snapshot.ids, prefix: 'XYZ' } }, 'ids.prefix'],
      [{ ...snapshot, allocations: [first, first, ...snapshot.allocations.slice(2)] }, 'allocations[1].id'],
      [{ ...snapshot, allocations: [{ ...first, state: 'running' }, ...snapshot.allocations.slice(1)] }, 'allocations[0].state'],
      [{ ...snapshot, allocations: [{ ...first, activation: { ...first.activation, workerPorts: [8000] } }, ...snapshot.allocations.slice(1)] }, 'allocations[0].activation.workerPorts'],
      [{ ...snapshot, allocations: [first, { ...second, activation: { ...second.activation, endpoints: ['http://localhost:9001'] } }, ...snapshot.allocations.slice(2)] }, 'allocations[1].activation.endpoints[0]'],
      [{ ...snapshot, finished: [] }, 'finished'],
      [{ ...snapshot, finished: [first.id] }, 'finished[0]'],
      [{ ...snapshot, mcpServers: snapshot.mcpServers.map((server) => ({ ...server, users: 5 })) }, 'mcpServers[0].users'],
      [{ ...snapshot, mcpServers: snapshot.mcpServers.slice(1) }, 'mcpServers'],
      [{ ...snapshot, mcpServers: [...snapshot.mcpServers, { name: 'ghost', port: 9050, users: 1 }] }, 'mcpServers[2]'],
      [{ ...snapshot, workerPorts: snapshot.workerPorts.slice(1) }, 'workerPorts'],
      [{ ...snapshot, workerPorts: [...snapshot.workerPorts, 9999] }, `workerPorts[${snapshot.workerPorts.length}]`],
    ];
    for (const [bad, path] of cases) {
      const error = refusal(() => AllocationTools.restore(side.manager, bad));
      expect([error.code, (error.details as { path: string }).path], JSON.stringify(bad)?.slice(0, 200)).toEqual(['INVALID_SNAPSHOT', path]);
      expect(error.message).toMatch(/^Expected a fairpack snapshot as snapshot\(\) writes it; .*Nothing was restored/);
    }
    // the unmodified snapshot still restores
    expect(AllocationTools.restore(side.manager, snapshot).snapshot()).toEqual(snapshot);
  });
});

function refusal(call: () => unknown): { code: string; message: string; details: unknown } {
  try {
    call();
  } catch (error) {
    if (isFairpackError(error)) return error as unknown as { code: string; message: string; details: unknown };
    throw error;
  }
  throw new Error('expected the call to be refused');
}

function codeOf(call: () => unknown): string {
  return refusal(call).code;
}
