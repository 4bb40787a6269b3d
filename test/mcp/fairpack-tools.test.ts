import { afterEach, describe, expect, it, vi } from 'vitest';
import { AllocationTools } from '../../src/mcp/index.js';
import { field, seedTools } from './helpers.js';

/*
 * What fairpack adds to the seed's tools, in process: the priority classes and preemption,
 * submit_job's queue, wait_for_allocation, queues, explain, several nodes, TTLs on the
 * manager's own timer, and change notifications.
 */

describe('priorities', () => {
  it('critical preempts low: the low allocation goes back to pending and restarts when room frees', () => {
    const { tools, advance } = seedTools();
    tools.requestResources({ job_id: 'background', mcp_servers: ['filesystem'], workers: 8, priority: 'low' });
    const urgent = tools.requestResources({ job_id: 'incident', mcp_servers: ['github'], workers: 4, priority: 'critical' });
    expect(urgent).toMatchObject({ status: 'active', resources: { workers: 4 } });
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ state: 'pending', preempted_by: 'alloc-002', workers: [], node_id: null });
    expect(tools.getCapacity()).toMatchObject({ allocated_workers: 4, running_mcp_servers: ['github'], active_allocations: 1 });
    tools.releaseResources({ allocation_id: 'alloc-002' });
    // the evicted job waits out the manager's preemption back-off (5 s) before it starts again
    advance(5);
    tools.manager.tick();
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ state: 'active', resources: { workers: 8 }, timestamps: { activated_at: '2025-12-08T19:00:05Z' } });
  });

  it('high and normal never preempt; critical does not evict high or normal', () => {
    const { tools } = seedTools();
    tools.requestResources({ job_id: 'a', mcp_servers: [], workers: 8, priority: 'low' });
    expect(tools.requestResources({ job_id: 'b', mcp_servers: [], workers: 4, priority: 'high' })).toMatchObject({ status: 'failed', error: 'Insufficient workers: requested 4, available 2' });
    tools.releaseResources({ allocation_id: 'alloc-001' });
    tools.requestResources({ job_id: 'c', mcp_servers: [], workers: 8, priority: 'normal' });
    expect(tools.requestResources({ job_id: 'd', mcp_servers: [], workers: 4, priority: 'critical' })['status']).toBe('failed');
    expect(tools.getAllocation({ allocation_id: 'alloc-003' })).toMatchObject({ state: 'active' });
  });
});

describe('submit_job and wait_for_allocation', () => {
  it('queues what does not fit (pending, with reason and position) and starts it when room frees', async () => {
    const { tools } = seedTools();
    tools.submitJob({ job_id: 'first', mcp_servers: ['filesystem'], workers: 8 });
    expect(tools.submitJob({ job_id: 'second', mcp_servers: ['github'], workers: 4 })).toEqual({
      allocation_id: 'alloc-002',
      status: 'pending',
      job_id: 'second',
      reason: 'insufficient-resources',
      message: 'Insufficient workers: requested 4, available 2',
      position: 0,
      created_at: '2025-12-08T19:00:00Z',
    });
    expect(tools.getAllocation({ allocation_id: 'alloc-002' })).toMatchObject({ state: 'pending', pending_reason: 'insufficient-resources', mcp_servers: [{ name: 'github', endpoint: null, status: 'pending' }] });
    expect(tools.queues()).toEqual([{ job_id: 'second', priority: 'normal', length: 1, next_allocation_id: 'alloc-002' }]);

    const waiting = tools.waitForAllocation({ allocation_id: 'alloc-002', timeout_seconds: 60 });
    tools.releaseResources({ allocation_id: 'alloc-001' });
    expect(await waiting).toMatchObject({ allocation_id: 'alloc-002', state: 'active', timed_out: false, workers: [{ worker_id: 'worker-second-000' }, {}, {}, {}] });
    expect(tools.queues()).toEqual([]);
  });

  it('only what can never fit fails; a pending allocation can be released (withdrawn)', () => {
    const { tools } = seedTools();
    expect(tools.submitJob({ job_id: 'huge', mcp_servers: [], workers: 11 })).toEqual({ allocation_id: 'alloc-001', status: 'failed', error: 'Insufficient workers: requested 11, total 10; it can never fit' });
    tools.submitJob({ job_id: 'a', mcp_servers: [], workers: 10 });
    tools.submitJob({ job_id: 'b', mcp_servers: ['x'], workers: 1 });
    expect(tools.releaseResources({ allocation_id: 'alloc-003' })).toMatchObject({ status: 'released', workers_released: 0, cpu_freed: 0, memory_freed: 0 });
    expect(tools.getAllocation({ allocation_id: 'alloc-003' })).toMatchObject({ state: 'released', mcp_servers: [{ name: 'x', endpoint: null, status: 'not_started' }] });
    expect(tools.queues()).toEqual([]);
  });

  it('a pending allocation whose MCP servers find no free port when room frees fails, and says why', () => {
    const { tools } = seedTools();
    tools.requestResources({ job_id: 'servers', mcp_servers: Array.from({ length: 98 }, (_, i) => `s${i}`) });
    tools.requestResources({ job_id: 'workers', mcp_servers: [], workers: 10 });
    // 2 ports free: enough for x and y, but no worker is
    expect(tools.submitJob({ job_id: 'late', mcp_servers: ['x', 'y'], workers: 1 })['status']).toBe('pending');
    tools.requestResources({ job_id: 'z', mcp_servers: ['z'] });
    tools.releaseResources({ allocation_id: 'alloc-002' });
    expect(tools.getAllocation({ allocation_id: 'alloc-003' })).toMatchObject({ state: 'failed', error: 'Insufficient MCP server ports: 2 new server(s) requested, 1 port(s) free in 9000-9099', workers: [] });
    expect(tools.getCapacity()).toMatchObject({ available_workers: 10, active_allocations: 2 });
  });

  it('wait_for_allocation: at once when not pending, timed_out after the timeout, null when unknown', async () => {
    const { tools } = seedTools();
    tools.submitJob({ job_id: 'a', mcp_servers: [], workers: 10 });
    tools.submitJob({ job_id: 'b', mcp_servers: [], workers: 1 });
    expect(await tools.waitForAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ state: 'active', timed_out: false });
    expect(await tools.waitForAllocation({ allocation_id: 'alloc-002', timeout_seconds: 0.05 })).toMatchObject({ state: 'pending', timed_out: true });
    expect(await tools.waitForAllocation({ allocation_id: 'nope' })).toBeNull();
    // closing the tools ends a wait
    const waiting = tools.waitForAllocation({ allocation_id: 'alloc-002', timeout_seconds: 600 });
    tools.close();
    expect(await waiting).toMatchObject({ state: 'pending', timed_out: false });
  });

  it('an aborted wait returns at once', async () => {
    const { tools } = seedTools();
    tools.submitJob({ job_id: 'a', mcp_servers: [], workers: 10 });
    tools.submitJob({ job_id: 'b', mcp_servers: [], workers: 1 });
    const controller = new AbortController();
    const waiting = tools.waitForAllocation({ allocation_id: 'alloc-002', timeout_seconds: 600 }, { signal: controller.signal });
    controller.abort();
    expect(await waiting).toMatchObject({ state: 'pending', timed_out: false });
  });
});

describe('explain', () => {
  it('a request: the shortfall per resource on the closest node, and whether it could ever fit', () => {
    const { tools } = seedTools();
    tools.requestResources({ job_id: 'a', mcp_servers: ['filesystem'], workers: 7 });
    expect(tools.explain({ workers: 5, mcp_servers: ['filesystem', 'github'] })).toEqual({
      priority: 'normal',
      requested: { workers: 5, cpu: 5, memory: 10240 },
      fits_now: false,
      can_ever_fit: true,
      reason: 'Insufficient workers: requested 5, available 3',
      node_id: 'default',
      available: { workers: 3, cpu: 9, memory: 18432 },
      // 5 − 3 = 2 workers missing; cpu (9 free) and memory (18432 MB free) suffice
      shortfall: [{ resource: 'workers', requested: 5, available: 3, missing: 2 }],
      mcp_server_ports: { starting: 1, free: 99 },
    });
    expect(tools.explain({ workers: 3 })).toMatchObject({ fits_now: true, reason: null, shortfall: [] });
    expect(tools.explain({ workers: 11 })).toMatchObject({ fits_now: false, can_ever_fit: false });
  });

  it('an allocation: its state and why it waits; null when unknown; not both forms at once', () => {
    const { tools } = seedTools();
    tools.submitJob({ job_id: 'a', mcp_servers: [], workers: 10 });
    tools.submitJob({ job_id: 'b', mcp_servers: [], workers: 2, priority: 'high' });
    expect(tools.explain({ allocation_id: 'alloc-002' })).toMatchObject({ allocation_id: 'alloc-002', state: 'pending', pending_reason: 'insufficient-resources', priority: 'high', reason: 'Insufficient workers: requested 2, available 0' });
    expect(tools.explain({ allocation_id: 'nope' })).toBeNull();
    expect(() => tools.explain({ allocation_id: 'alloc-002', workers: 1 })).toThrow('Expected `allocation_id` or a request (`workers`, `mcp_servers`, `priority`) for explain, got both.');
  });
});

describe('several nodes (the `nodes` option)', () => {
  const nodes = [
    { id: 'n1', capacity: { cpu: 8, memory: 16384, workers: 6 } },
    { id: 'n2', capacity: { cpu: 8, memory: 16384, workers: 4 } },
  ];

  it("an allocation's workers share one node; texts say \"on any one node\"", () => {
    const { tools } = seedTools({ nodes });
    expect(tools.getCapacity()).toMatchObject({ total_workers: 10, total_cpu: 16 });
    tools.requestResources({ job_id: 'a', mcp_servers: [], workers: 3 });
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ node_id: 'n2' });
    // 7 workers free in all (6 + 1), but at most 6 on one node
    expect(tools.requestResources({ job_id: 'b', mcp_servers: [], workers: 7 })['error']).toBe('Insufficient workers: requested 7, available 6 on any one node');
    expect(tools.submitJob({ job_id: 'c', mcp_servers: [], workers: 7 })['error']).toBe('Insufficient workers: requested 7, at most 6 on one node; it can never fit');
  });

  it('every node needs a workers capacity; options are checked', () => {
    expect(() => new AllocationTools({ nodes: [{ id: 'n1', capacity: { cpu: 8, memory: 1024 } }] })).toThrow('Expected every node to have a `workers` capacity (worker slots), but node "n1" has none.');
    expect(() => new AllocationTools({ nodes, totalCpu: 4 })).toThrow(/Expected `nodes` or the totals/);
    expect(() => new AllocationTools({ workerCpu: -1 })).toThrow('Expected `workerCpu` to be a finite number >= 0, got -1 (number).');
    expect(() => new AllocationTools({ totalCpus: 4 } as never)).toThrow(/Unknown AllocationTools option `totalCpus`. Did you mean `totalCpu`\?/);
  });
});

describe('time', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("with the default clock the manager's own timer releases an allocation when its TTL passes", () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.parse('2025-12-08T19:00:00Z'));
    const tools = new AllocationTools();
    const changes: number[] = [];
    tools.onChange(() => changes.push(Date.now()));
    const { allocation_id: id } = tools.requestResources({ job_id: 'j', mcp_servers: ['filesystem'], workers: 2, ttl_seconds: 60 }) as { allocation_id: string };
    vi.advanceTimersByTime(59_999);
    expect(tools.getAllocation({ allocation_id: id })).toMatchObject({ state: 'active', is_expired: false });
    vi.advanceTimersByTime(1);
    expect(tools.getAllocation({ allocation_id: id })).toMatchObject({ state: 'released', is_expired: true, timestamps: { released_at: '2025-12-08T19:01:00Z' } });
    expect(tools.getCapacity()).toMatchObject({ available_workers: 10, running_mcp_servers: [] });
    // one change when it started, one when it expired
    expect(changes).toEqual([Date.parse('2025-12-08T19:00:00Z'), Date.parse('2025-12-08T19:01:00Z')]);
    tools.close();
  });

  it('onChange reports every change and stops when asked', () => {
    const { tools } = seedTools();
    let count = 0;
    const stop = tools.onChange(() => count++);
    tools.requestResources({ job_id: 'a', mcp_servers: [], workers: 1 });
    expect(count).toBe(1);
    // a failed request changes its allocation too (pending, then failed)
    tools.requestResources({ job_id: 'b', mcp_servers: [], workers: 100 });
    const seen = count;
    expect(seen).toBeGreaterThan(1);
    stop();
    tools.releaseResources({ allocation_id: 'alloc-001' });
    expect(count).toBe(seen);
    expect(field(tools.getAllocation({ allocation_id: 'alloc-001' }), 'state')).toBe('released');
  });
});
