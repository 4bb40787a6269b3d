import { afterAll, describe, expect, it } from 'vitest';
import { useBuiltCli } from '../cli/built-cli.js';
import { type McpSession, connect } from './mcp-session.js';

/*
 * Every example of the seed document (RESOURCE_ALLOCATION.md), replayed against the built
 * `fairpack mcp` by the MCP SDK's own client over stdio, in a real MCP session. The test clock
 * (`--test-clock`, testing only) starts at the seed's 2025-12-08T19:00:00Z and moves by
 * `advance_clock`, so timestamps, ages and durations are the seed's to the letter. Allocation ids
 * are random (`alloc-` and 12 hex digits, as the seed's); everything else is compared verbatim.
 */

const ID = /^alloc-[0-9a-f]{12}$/;
const START = ['--test-clock', '2025-12-08T19:00:00Z'];

const cli = useBuiltCli();

let session: McpSession | undefined;
async function open(args: readonly string[] = START): Promise<McpSession> {
  session = await connect(cli(), args);
  return session;
}
afterAll(async () => {
  await session?.close();
});

describe('the seed: Quick Start and API Reference', () => {
  it('Quick Start: request 4 high-priority workers with three MCP servers, then release', async () => {
    const s = await open();
    const allocation = await s.call('request_resources', { job_id: 'feature-dev-001', mcp_servers: ['filesystem', 'github', 'database'], workers: 4, priority: 'high', ttl_seconds: 7200 });
    expect(allocation.allocation_id).toMatch(ID);
    expect(allocation).toMatchObject({ status: 'active', job_id: 'feature-dev-001', resources: { cpu: 4, memory: 8192, workers: 4 }, ttl_seconds: 7200, created_at: '2025-12-08T19:00:00Z' });
    expect(allocation.mcp_servers.map((server: { endpoint: string }) => server.endpoint)).toEqual(['http://localhost:9000', 'http://localhost:9001', 'http://localhost:9002']);
    expect(await s.call('release_resources', { allocation_id: allocation.allocation_id })).toMatchObject({ status: 'released', workers_released: 4 });
    expect(await s.close()).toMatch(/fairpack mcp: stopped/);
  });

  it('request_resources, get_capacity, get_allocation, list_allocations, release_resources: the seed\'s answers', async () => {
    const s = await open();
    // request_resources(job_id="job-001", mcp_servers=["filesystem", "github"], workers=4, priority="high", ttl_seconds=7200, metadata={"task_type": "feature"})
    const allocation = await s.call('request_resources', { job_id: 'job-001', mcp_servers: ['filesystem', 'github'], workers: 4, priority: 'high', ttl_seconds: 7200, metadata: { task_type: 'feature' } });
    const id: string = allocation.allocation_id;
    expect(id).toMatch(ID);
    expect(allocation).toEqual({
      allocation_id: id,
      status: 'active',
      job_id: 'job-001',
      mcp_servers: [
        { name: 'filesystem', endpoint: 'http://localhost:9000', status: 'running' },
        { name: 'github', endpoint: 'http://localhost:9001', status: 'running' },
      ],
      workers_allocated: [
        { worker_id: 'worker-job-001-000', endpoint: 'http://localhost:8000', cpu: 1.0, memory: 2048 },
        { worker_id: 'worker-job-001-001', endpoint: 'http://localhost:8001', cpu: 1.0, memory: 2048 },
        { worker_id: 'worker-job-001-002', endpoint: 'http://localhost:8002', cpu: 1.0, memory: 2048 },
        { worker_id: 'worker-job-001-003', endpoint: 'http://localhost:8003', cpu: 1.0, memory: 2048 },
      ],
      resources: { cpu: 4.0, memory: 8192, workers: 4 },
      ttl_seconds: 7200,
      created_at: '2025-12-08T19:00:00Z',
    });

    // the seed's get_capacity example: a second allocation uses the database server, no workers
    expect((await s.call('request_resources', { job_id: 'job-002', mcp_servers: ['database'] })).status).toBe('active');
    expect(await s.call('get_capacity')).toEqual({
      total_cpu: 16.0,
      total_memory: 32768,
      total_workers: 10,
      allocated_cpu: 4.0,
      allocated_memory: 8192,
      allocated_workers: 4,
      available_cpu: 12.0,
      available_memory: 24576,
      available_workers: 6,
      running_mcp_servers: ['filesystem', 'github', 'database'],
      active_allocations: 2,
    });

    // an hour later
    await s.call('advance_clock', { seconds: 3600 });
    expect(await s.call('get_allocation', { allocation_id: id })).toEqual({
      allocation_id: id,
      job_id: 'job-001',
      state: 'active',
      priority: 'high',
      resources: { cpu_allocated: 4.0, memory_allocated: 8192, workers: 4 },
      mcp_servers: allocation.mcp_servers,
      workers: allocation.workers_allocated.map((worker: Record<string, unknown>) => ({ worker_id: worker['worker_id'], worker_type: 'cortex-worker', cpu: 1.0, memory: 2048, status: 'active', endpoint: worker['endpoint'] })),
      // the seed's example activates a second after creation; fairpack activates in the same call
      timestamps: { created_at: '2025-12-08T19:00:00Z', activated_at: '2025-12-08T19:00:00Z', released_at: null, age_seconds: 3600 },
      ttl_seconds: 7200,
      is_expired: false,
      metadata: { task_type: 'feature' },
      node_id: 'default',
    });
    const entry = { allocation_id: id, job_id: 'job-001', state: 'active', priority: 'high', workers: 4, age_seconds: 3600, is_expired: false };
    expect((await s.call('list_allocations')).map((a: { job_id: string }) => a.job_id)).toEqual(['job-001', 'job-002']);
    expect(await s.call('list_allocations', { state: 'active', job_id: 'job-001' })).toEqual([entry]);
    expect(await s.call('list_allocations', { job_id: 'job-001' })).toEqual([entry]);

    // released two hours after creation: the seed's release example
    await s.call('advance_clock', { seconds: 3600 });
    expect(await s.call('release_resources', { allocation_id: id })).toEqual({
      status: 'released',
      allocation_id: id,
      job_id: 'job-001',
      workers_released: 4,
      cpu_freed: 4.0,
      memory_freed: 8192,
      released_at: '2025-12-08T21:00:00Z',
      duration_seconds: 7200,
    });
    // job-002's default TTL (3600 s) passed an hour ago: cleanup_expired_allocations() returns its id
    const job2 = (await s.call('list_allocations', { job_id: 'job-002' }))[0];
    expect(job2).toMatchObject({ state: 'active', is_expired: true });
    expect(await s.call('cleanup_expired')).toEqual([job2.allocation_id]);
    expect(await s.call('list_allocations', { state: 'active' })).toEqual([]);
    await s.close();
  });
});

describe('the seed: Error Handling, Usage Patterns, Integration with Cortex, Best Practices', () => {
  it('Error Handling, then Usage Patterns: check capacity first, handle failures, monitor active allocations, clean up expired ones', async () => {
    const s = await open();
    // Error Handling: 20 workers on the idle cluster, an unknown allocation, releasing an unknown allocation
    expect(await s.call('request_resources', { job_id: 'job-001', mcp_servers: ['filesystem'], workers: 20 })).toMatchObject({ status: 'failed', error: 'Insufficient workers: requested 20, available 10' });
    expect(await s.call('get_allocation', { allocation_id: 'nonexistent-id' })).toBeNull();
    expect(await s.call('release_resources', { allocation_id: 'nonexistent-id' })).toEqual({ status: 'error', error: 'Allocation nonexistent-id not found' });

    // Check Capacity Before Allocation
    const capacity = await s.call('get_capacity');
    expect(capacity.available_workers >= 4).toBe(true);
    const allocation = await s.call('request_resources', { job_id: 'job-001', mcp_servers: ['filesystem'], workers: 4 });
    expect(allocation.status).toBe('active');

    // Handle Allocation Failures: workers=100 "# Too many"
    const result = await s.call('request_resources', { job_id: 'job-001', mcp_servers: ['filesystem'], workers: 100 });
    expect(result).toEqual({ allocation_id: expect.stringMatching(ID), status: 'failed', error: 'Insufficient workers: requested 100, available 6' });

    // Monitor Active Allocations
    await s.call('advance_clock', { seconds: 120 });
    const active = await s.call('list_allocations', { state: 'active' });
    expect(active.map((a: Record<string, unknown>) => [a['job_id'], a['workers'], a['age_seconds'], a['is_expired']])).toEqual([['job-001', 4, 120, false]]);

    // Automatic Expiry Cleanup: the default TTL is an hour
    await s.call('advance_clock', { seconds: 3480 });
    const expired = await s.call('cleanup_expired');
    expect(expired).toEqual([allocation.allocation_id]);
    expect(await s.call('get_capacity')).toMatchObject({ available_workers: 10, running_mcp_servers: [], active_allocations: 0 });
    await s.close();
  });

  it('Integration with Cortex (coordinator, development and security masters), then Best Practices', async () => {
    const s = await open();
    // Coordinator Master
    const allocation = await s.call('request_resources', {
      job_id: 'task-feature-auth',
      mcp_servers: ['filesystem', 'github'],
      workers: 2,
      priority: 'normal',
      metadata: { master: 'development', task_type: 'feature_implementation' },
    });
    const id = allocation.allocation_id;
    // Development Master: details, endpoints, release
    const details = await s.call('get_allocation', { allocation_id: id });
    expect(details.mcp_servers).toEqual([
      { name: 'filesystem', endpoint: 'http://localhost:9000', status: 'running' },
      { name: 'github', endpoint: 'http://localhost:9001', status: 'running' },
    ]);
    expect(details.workers.map((w: { worker_id: string; endpoint: string }) => [w.worker_id, w.endpoint])).toEqual([
      ['worker-task-feature-auth-000', 'http://localhost:8000'],
      ['worker-task-feature-auth-001', 'http://localhost:8001'],
    ]);
    expect(details.metadata).toEqual({ master: 'development', task_type: 'feature_implementation' });
    expect((await s.call('release_resources', { allocation_id: id })).status).toBe('released');
    // Security Master: high priority, 30 minutes
    const scan = await s.call('request_resources', {
      job_id: 'security-scan-001',
      mcp_servers: ['filesystem', 'github'],
      workers: 4,
      priority: 'high',
      ttl_seconds: 1800,
      metadata: { master: 'security', scan_type: 'vulnerability_scan' },
    });
    expect(scan).toMatchObject({ status: 'active', ttl_seconds: 1800, resources: { cpu: 4, memory: 8192, workers: 4 } });
    expect((await s.call('release_resources', { allocation_id: scan.allocation_id })).status).toBe('released');

    // Best Practices: TTLs by task length, always release (even a failed request), metadata for tracking
    for (const ttl of [1800, 3600, 14_400]) expect((await s.call('request_resources', { job_id: `ttl-${ttl}`, mcp_servers: [], workers: 1, ttl_seconds: ttl })).ttl_seconds).toBe(ttl);
    const failed = await s.call('request_resources', { job_id: 'too-big', mcp_servers: [], workers: 50 });
    expect(await s.call('release_resources', { allocation_id: failed.allocation_id })).toEqual({ status: 'already_released', allocation_id: failed.allocation_id, state: 'failed', released_at: null });
    const metadata = { master: 'development', task_type: 'feature_implementation', assigned_to: 'dev-worker-001', project: 'authentication_system' };
    const tracked = await s.call('request_resources', { job_id: 'job-001', mcp_servers: ['filesystem'], metadata });
    expect((await s.call('get_allocation', { allocation_id: tracked.allocation_id })).metadata).toEqual(metadata);
    await s.close();
  });

});
