import { describe, expect, it } from 'vitest';
import { field, seedTools } from './helpers.js';

/*
 * The seed's six tools as the seed document describes them (RESOURCE_ALLOCATION.md), in process:
 * every answer is compared field for field with the seed's examples, on the seed's default
 * cluster (16 cpu, 32768 MB, 10 workers; a worker costs 1 cpu and 2048 MB).
 */

describe('request_resources', () => {
  it("answers the seed's success shape: shared MCP servers on 9000+, dedicated workers on 8000+", () => {
    const { tools } = seedTools();
    const allocation = tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem', 'github'], workers: 4, priority: 'high', ttl_seconds: 7200, metadata: { task_type: 'feature' } });
    expect(allocation).toEqual({
      allocation_id: 'alloc-001',
      status: 'active',
      job_id: 'job-001',
      mcp_servers: [
        { name: 'filesystem', endpoint: 'http://localhost:9000', status: 'running' },
        { name: 'github', endpoint: 'http://localhost:9001', status: 'running' },
      ],
      workers_allocated: [0, 1, 2, 3].map((i) => ({ worker_id: `worker-job-001-00${i}`, endpoint: `http://localhost:800${i}`, cpu: 1, memory: 2048 })),
      // 4 workers × (1 cpu, 2048 MB)
      resources: { cpu: 4, memory: 8192, workers: 4 },
      ttl_seconds: 7200,
      created_at: '2025-12-08T19:00:00Z',
    });
  });

  it("fails at once with the seed's text when workers run short (it never queues)", () => {
    const { tools } = seedTools();
    tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem'], workers: 4 });
    // 10 − 4 = 6 workers left
    expect(tools.requestResources({ job_id: 'job-002', mcp_servers: ['filesystem'], workers: 10 })).toEqual({ allocation_id: 'alloc-002', status: 'failed', error: 'Insufficient workers: requested 10, available 6' });
    expect(tools.listAllocations({ state: 'failed' })).toMatchObject([{ allocation_id: 'alloc-002', state: 'failed', workers: 0 }]);
    expect(tools.manager.queues()).toEqual([]);
    expect(tools.getCapacity()['available_workers']).toBe(6);
  });

  it('names CPU, then memory, when workers are not what runs out', () => {
    // 4 cpu and 32768 MB: the fifth worker's cpu is missing; 16 cpu and 4096 MB: the third's memory
    expect(seedTools({ totalCpu: 4 }).tools.requestResources({ job_id: 'j', mcp_servers: [], workers: 5 })['error']).toBe('Insufficient CPU: requested 5, available 4');
    expect(seedTools({ totalMemory: 4096 }).tools.requestResources({ job_id: 'j', mcp_servers: [], workers: 3 })['error']).toBe('Insufficient memory: requested 6144 MB, available 4096 MB');
  });

  it('defaults: normal priority, ttl 3600, no workers, empty metadata', () => {
    const { tools } = seedTools();
    const allocation = tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem'] });
    expect(allocation).toMatchObject({ status: 'active', workers_allocated: [], resources: { cpu: 0, memory: 0, workers: 0 }, ttl_seconds: 3600 });
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ priority: 'normal', metadata: {}, ttl_seconds: 3600 });
  });

  it('worker cost and default TTL follow the options', () => {
    const { tools } = seedTools({ workerCpu: 0.5, workerMemory: 1536, defaultTtlSeconds: 60 });
    // 3 × 0.5 cpu = 1.5 exactly; 3 × 1536 MB
    expect(tools.requestResources({ job_id: 'j', mcp_servers: [], workers: 3 })).toMatchObject({ resources: { cpu: 1.5, memory: 4608, workers: 3 }, ttl_seconds: 60 });
    expect(tools.getCapacity()).toMatchObject({ allocated_cpu: 1.5, available_cpu: 14.5, allocated_memory: 4608 });
  });
});

describe('release_resources', () => {
  it("answers the seed's release shape, with the duration since created_at", () => {
    const { tools, advance } = seedTools();
    tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem', 'github'], workers: 4, priority: 'high', ttl_seconds: 7200 });
    advance(7199);
    expect(tools.releaseResources({ allocation_id: 'alloc-001' })).toEqual({
      status: 'released',
      allocation_id: 'alloc-001',
      job_id: 'job-001',
      workers_released: 4,
      cpu_freed: 4,
      memory_freed: 8192,
      released_at: '2025-12-08T20:59:59Z',
      duration_seconds: 7199,
    });
    expect(tools.getCapacity()).toMatchObject({ available_workers: 10, available_cpu: 16, available_memory: 32768, running_mcp_servers: [], active_allocations: 0 });
  });

  it('an unknown id: status error, "Allocation <id> not found"; a second release: already_released', () => {
    const { tools, advance } = seedTools();
    expect(tools.releaseResources({ allocation_id: 'nonexistent-id' })).toEqual({ status: 'error', error: 'Allocation nonexistent-id not found' });
    tools.requestResources({ job_id: 'job-001', mcp_servers: [] });
    advance(0.25);
    tools.releaseResources({ allocation_id: 'alloc-001' });
    expect(tools.releaseResources({ allocation_id: 'alloc-001' })).toEqual({ status: 'already_released', allocation_id: 'alloc-001', state: 'released', released_at: '2025-12-08T19:00:00.250Z' });
    // the seed's "always release" pattern releases failed requests too: nothing to do
    tools.requestResources({ job_id: 'job-002', mcp_servers: [], workers: 100 });
    expect(tools.releaseResources({ allocation_id: 'alloc-002' })).toEqual({ status: 'already_released', allocation_id: 'alloc-002', state: 'failed', released_at: null });
  });

  it('MCP servers are shared and counted: one endpoint per name, stopped with their last user; ports are reused', () => {
    const { tools } = seedTools();
    tools.requestResources({ job_id: 'a', mcp_servers: ['filesystem', 'github'], workers: 2 });
    const second = tools.requestResources({ job_id: 'b', mcp_servers: ['github', 'database'], workers: 1 });
    expect(field(second, 'mcp_servers')).toEqual([
      { name: 'github', endpoint: 'http://localhost:9001', status: 'running' },
      { name: 'database', endpoint: 'http://localhost:9002', status: 'running' },
    ]);
    // b's worker gets the next port; a's two hold 8000 and 8001
    expect(field(second, 'workers_allocated')).toEqual([{ worker_id: 'worker-b-000', endpoint: 'http://localhost:8002', cpu: 1, memory: 2048 }]);
    tools.releaseResources({ allocation_id: 'alloc-001' });
    expect(tools.getCapacity()['running_mcp_servers']).toEqual(['github', 'database']);
    expect(field(tools.getAllocation({ allocation_id: 'alloc-001' }), 'mcp_servers')).toEqual([
      { name: 'filesystem', endpoint: 'http://localhost:9000', status: 'stopped' },
      { name: 'github', endpoint: 'http://localhost:9001', status: 'running' },
    ]);
    // the freed ports are the lowest again
    expect(tools.requestResources({ job_id: 'c', mcp_servers: ['search'], workers: 1 })).toMatchObject({
      mcp_servers: [{ name: 'search', endpoint: 'http://localhost:9000' }],
      workers_allocated: [{ endpoint: 'http://localhost:8000' }],
    });
  });

  it('the 100 MCP ports 9000-9099 run out: the request fails and changes nothing', () => {
    const { tools } = seedTools();
    const names = Array.from({ length: 99 }, (_, i) => `server-${i}`);
    expect(tools.requestResources({ job_id: 'a', mcp_servers: names })['status']).toBe('active');
    expect(tools.requestResources({ job_id: 'b', mcp_servers: ['server-0', 'x', 'y'], workers: 1 })).toEqual({
      allocation_id: 'alloc-002',
      status: 'failed',
      error: 'Insufficient MCP server ports: 2 new server(s) requested, 1 port(s) free in 9000-9099',
    });
    expect(tools.getCapacity()).toMatchObject({ available_workers: 10, active_allocations: 1 });
    expect(tools.requestResources({ job_id: 'b', mcp_servers: ['server-0', 'x'] })['status']).toBe('active');
  });
});

describe('get_capacity', () => {
  it("answers the seed's example: 4 of 10 workers and 3 MCP servers in use by 2 allocations", () => {
    const { tools } = seedTools();
    tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem', 'github', 'database'], workers: 4, priority: 'high', ttl_seconds: 7200 });
    tools.requestResources({ job_id: 'job-002', mcp_servers: ['filesystem'] });
    expect(tools.getCapacity()).toEqual({
      total_cpu: 16,
      total_memory: 32768,
      total_workers: 10,
      allocated_cpu: 4,
      allocated_memory: 8192,
      allocated_workers: 4,
      available_cpu: 12,
      available_memory: 24576,
      available_workers: 6,
      running_mcp_servers: ['filesystem', 'github', 'database'],
      active_allocations: 2,
    });
  });
});

describe('get_allocation and list_allocations', () => {
  it("answers the seed's details an hour later; null for an unknown id", () => {
    const { tools, advance } = seedTools();
    tools.requestResources({ job_id: 'job-001', mcp_servers: ['filesystem'], workers: 4, priority: 'high', ttl_seconds: 7200, metadata: { task_type: 'feature' } });
    advance(3600);
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toEqual({
      allocation_id: 'alloc-001',
      job_id: 'job-001',
      state: 'active',
      priority: 'high',
      resources: { cpu_allocated: 4, memory_allocated: 8192, workers: 4 },
      mcp_servers: [{ name: 'filesystem', endpoint: 'http://localhost:9000', status: 'running' }],
      workers: [0, 1, 2, 3].map((i) => ({ worker_id: `worker-job-001-00${i}`, worker_type: 'cortex-worker', cpu: 1, memory: 2048, status: 'active', endpoint: `http://localhost:800${i}` })),
      timestamps: { created_at: '2025-12-08T19:00:00Z', activated_at: '2025-12-08T19:00:00Z', released_at: null, age_seconds: 3600 },
      ttl_seconds: 7200,
      is_expired: false,
      metadata: { task_type: 'feature' },
      node_id: 'default',
    });
    expect(tools.getAllocation({ allocation_id: 'nonexistent-id' })).toBeNull();
  });

  it('lists oldest first, filtered by state and by job', () => {
    const { tools, advance } = seedTools();
    tools.requestResources({ job_id: 'job-001', mcp_servers: [], workers: 4, priority: 'high', ttl_seconds: 7200 });
    advance(60);
    tools.requestResources({ job_id: 'job-002', mcp_servers: [], workers: 20 });
    tools.requestResources({ job_id: 'job-001', mcp_servers: [], workers: 1, priority: 'low' });
    advance(3540);
    expect(tools.listAllocations()).toEqual([
      { allocation_id: 'alloc-001', job_id: 'job-001', state: 'active', priority: 'high', workers: 4, age_seconds: 3600, is_expired: false },
      { allocation_id: 'alloc-002', job_id: 'job-002', state: 'failed', priority: 'normal', workers: 0, age_seconds: 3540, is_expired: false },
      { allocation_id: 'alloc-003', job_id: 'job-001', state: 'active', priority: 'low', workers: 1, age_seconds: 3540, is_expired: false },
    ]);
    expect(tools.listAllocations({ state: 'active' }).map((a) => a['allocation_id'])).toEqual(['alloc-001', 'alloc-003']);
    expect(tools.listAllocations({ job_id: 'job-001' }).map((a) => a['allocation_id'])).toEqual(['alloc-001', 'alloc-003']);
    expect(tools.listAllocations({ state: 'released', job_id: 'job-001' })).toEqual([]);
  });
});

describe('TTL and cleanup_expired', () => {
  it('past its TTL an allocation is is_expired; cleanup_expired releases it and answers its id', () => {
    const { tools, advance } = seedTools();
    tools.requestResources({ job_id: 'short', mcp_servers: ['filesystem'], workers: 2, ttl_seconds: 1800 });
    tools.requestResources({ job_id: 'long', mcp_servers: ['filesystem'], workers: 2, ttl_seconds: 14_400 });
    advance(1800);
    expect(tools.listAllocations({ state: 'active' }).map((a) => [a['job_id'], a['is_expired']])).toEqual([
      ['short', true],
      ['long', false],
    ]);
    expect(tools.cleanupExpired()).toEqual(['alloc-001']);
    expect(tools.cleanupExpired()).toEqual([]);
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({
      state: 'released',
      is_expired: true,
      timestamps: { released_at: '2025-12-08T19:30:00Z' },
      workers: [{ status: 'released' }, { status: 'released' }],
    });
    // the shared server stays up for the other allocation
    expect(tools.getCapacity()).toMatchObject({ available_workers: 8, running_mcp_servers: ['filesystem'], active_allocations: 1 });
    expect(tools.releaseResources({ allocation_id: 'alloc-001' })['status']).toBe('already_released');
  });

  it('remembers finished allocations up to `history`, oldest first out', () => {
    const { tools } = seedTools({ history: 2 });
    for (const job of ['a', 'b', 'c']) tools.requestResources({ job_id: job, mcp_servers: [], workers: 50 });
    expect(tools.listAllocations().map((a) => a['job_id'])).toEqual(['b', 'c']);
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toBeNull();
  });
});
