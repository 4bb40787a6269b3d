import { isFairpackError } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { seedTools } from './helpers.js';

/*
 * Every call's arguments are checked before anything changes: bad ones throw INVALID_REQUEST
 * with a message that names the tool and the argument, what was expected and what was given
 * (`fairpack mcp` answers it as a tool error). Names the caller chooses are data, never keys of a
 * prototype.
 */

const request = { job_id: 'job-001', mcp_servers: ['filesystem'] };

describe('bad arguments', () => {
  const cases: [tool: string, args: unknown, message: string][] = [
    ['request_resources', { ...request, workers: -1 }, 'Expected `workers` of request_resources to be a whole number from 0 to 1,000,000, got -1 (number).'],
    ['request_resources', { ...request, workers: 2.5 }, 'Expected `workers` of request_resources to be a whole number from 0 to 1,000,000, got 2.5 (number).'],
    ['request_resources', { ...request, workers: '4' }, 'Expected `workers` of request_resources to be a whole number from 0 to 1,000,000, got "4" (string).'],
    ['request_resources', { ...request, priority: 'urgent' }, 'Expected `priority` of request_resources to be one of "low", "normal", "high", "critical", got "urgent" (string).'],
    ['request_resources', { ...request, ttl_seconds: 0 }, 'Expected `ttl_seconds` of request_resources to be a whole number from 1 to 31,536,000, got 0 (number).'],
    ['request_resources', { ...request, metadata: ['x'] }, 'Expected `metadata` of request_resources to be an object, got an array of 1.'],
    ['request_resources', { job_id: 'job-001' }, 'Expected `mcp_servers` of request_resources to be an array of at most 100 distinct non-empty strings (each at most 128 characters), got nothing.'],
    ['request_resources', { ...request, mcp_servers: 'filesystem' }, 'Expected `mcp_servers` of request_resources to be an array of at most 100 distinct non-empty strings (each at most 128 characters), got "filesystem" (string).'],
    ['request_resources', { ...request, mcp_servers: ['github', 7] }, 'Expected `mcp_servers` of request_resources to be an array of at most 100 distinct non-empty strings (each at most 128 characters), got 7 (number) at index 1.'],
    ['request_resources', { ...request, job_id: '' }, 'Expected `job_id` of request_resources to be a non-empty string of at most 256 characters, got "" (string).'],
    ['request_resources', { ...request, ttl: 60 }, 'Unknown request_resources argument `ttl`. Did you mean `ttl_seconds`? Accepted: job_id, mcp_servers, workers, priority, ttl_seconds, metadata.'],
    ['request_resources', [request], 'Expected the arguments of request_resources to be an object, got an array of 1.'],
    ['submit_job', { ...request, workers: -3 }, 'Expected `workers` of submit_job to be a whole number from 0 to 1,000,000, got -3 (number).'],
    ['release_resources', {}, 'Expected `allocation_id` of release_resources to be a non-empty string of at most 256 characters, got nothing.'],
    ['get_capacity', { verbose: true }, 'Expected no arguments for get_capacity, got `verbose`.'],
    ['list_allocations', { state: 'running' }, 'Expected `state` of list_allocations to be one of "pending", "active", "releasing", "released", "failed", got "running" (string).'],
    ['wait_for_allocation', { allocation_id: 'a', timeout_seconds: 601 }, 'Expected `timeout_seconds` of wait_for_allocation to be a number from 0 to 600, got 601 (number).'],
    ['request_resource', {}, 'Unknown tool "request_resource". Did you mean "request_resources"? Tools: request_resources, release_resources, get_capacity, get_allocation, list_allocations, cleanup_expired, submit_job, wait_for_allocation, queues, explain.'],
  ];
  it.each(cases)('%s %j', async (tool, args, message) => {
    const { tools } = seedTools();
    const error: unknown = await tools.call(tool, args).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFairpackError(error)).toBe(true);
    expect([(error as { code: string }).code, (error as Error).message]).toEqual(['INVALID_REQUEST', message]);
    // nothing changed
    expect(tools.listAllocations()).toEqual([]);
    expect(tools.getCapacity()['available_workers']).toBe(10);
  });

  it("metadata the manager refuses (too large) is refused the manager's way, and nothing is kept", () => {
    const { tools } = seedTools();
    expect(() => tools.requestResources({ ...request, metadata: { blob: 'x'.repeat(20_000) } })).toThrow(/metadata/);
    expect(tools.listAllocations()).toEqual([]);
  });

  it('null stands for an argument not given (clients send it for optional ones)', async () => {
    const { tools } = seedTools();
    expect(await tools.call('request_resources', { ...request, workers: null, priority: null, ttl_seconds: null, metadata: null })).toMatchObject({ status: 'active', ttl_seconds: 3600 });
    expect(await tools.call('list_allocations', { state: null, job_id: null })).toHaveLength(1);
    expect(await tools.call('get_capacity', undefined)).toMatchObject({ active_allocations: 1 });
  });
});

describe('names are data', () => {
  it('job ids and MCP server names such as __proto__ and constructor are ordinary names', () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    const { tools } = seedTools();
    for (const name of ['__proto__', 'constructor', 'toString']) {
      expect(tools.submitJob({ job_id: name, mcp_servers: [name, 'hasOwnProperty'], workers: 4 })['job_id']).toBe(name);
    }
    expect(tools.getCapacity()['running_mcp_servers']).toEqual(['__proto__', 'hasOwnProperty', 'constructor']);
    expect(tools.listAllocations({ job_id: '__proto__' })).toMatchObject([{ job_id: '__proto__', state: 'active', workers: 4 }]);
    expect(tools.queues()).toEqual([{ job_id: 'toString', priority: 'normal', length: 1, next_allocation_id: 'alloc-003' }]);
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ workers: [{ worker_id: 'worker-__proto__-000' }, {}, {}, {}] });
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>)['hasOwnProperty']).toBe(Object.prototype.hasOwnProperty);
  });

  it('metadata is copied: changing the caller\'s object later changes nothing', () => {
    const { tools } = seedTools();
    const metadata = { master: 'development', nested: { project: 'authentication_system' } };
    tools.requestResources({ ...request, metadata });
    metadata.nested.project = 'changed';
    expect(tools.getAllocation({ allocation_id: 'alloc-001' })).toMatchObject({ metadata: { master: 'development', nested: { project: 'authentication_system' } } });
  });
});

describe('tool definitions', () => {
  it('list the ten tools with JSON Schemas rendered from the same specs that check the calls', () => {
    const { tools } = seedTools({ defaultTtlSeconds: 1800 });
    expect(tools.definitions.map((tool) => tool.name)).toEqual([
      'request_resources',
      'release_resources',
      'get_capacity',
      'get_allocation',
      'list_allocations',
      'cleanup_expired',
      'submit_job',
      'wait_for_allocation',
      'queues',
      'explain',
    ]);
    const schema = tools.definitions[0]?.inputSchema as { required: string[]; additionalProperties: boolean; properties: Record<string, Record<string, unknown>> };
    expect(schema.required).toEqual(['job_id', 'mcp_servers']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['priority']).toMatchObject({ type: 'string', enum: ['low', 'normal', 'high', 'critical'], default: 'normal' });
    expect(schema.properties['ttl_seconds']).toMatchObject({ type: 'integer', minimum: 1, default: 1800 });
    expect(schema.properties['workers']).toMatchObject({ type: 'integer', minimum: 0, default: 0 });
    expect(tools.definitions.filter((tool) => tool.annotations.readOnlyHint).map((tool) => tool.name)).toEqual(['get_capacity', 'get_allocation', 'list_allocations', 'wait_for_allocation', 'queues', 'explain']);
  });
});
