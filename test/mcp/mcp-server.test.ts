import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMcpSdk } from '../../src/cli/mcp/sdk.js';
import { runCli } from '../cli/built-cli.js';
import { useBuiltCli } from '../cli/built-cli.js';
import { connect } from './mcp-session.js';

/*
 * `fairpack mcp` as an MCP client sees it: the built bin, spawned by the SDK's own client over
 * stdio — what it lists, how it answers bad calls, its resources and their notifications, a TTL
 * that passes in real time, and its flags.
 */

const built = useBuiltCli();
const dir = mkdtempSync(join(tmpdir(), 'fairpack-mcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fairpack mcp: one session with the real clock', () => {
  it('lists its tools and resources, answers bad calls as tool errors, notifies subscribers, expires a TTL on time', async () => {
    const s = await connect(built());
    const { client } = s;
    // a TTL of one second, on the real clock: the manager's own timer releases it, no cleanup needed
    const short = await s.call('request_resources', { job_id: 'short', mcp_servers: ['filesystem'], workers: 1, ttl_seconds: 1 });
    const expiresBy = Date.now() + 1000;

    expect(client.getServerVersion()).toMatchObject({ name: 'fairpack', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: { subscribe: true } });
    expect(client.getInstructions()).toMatch(/release_resources/);

    // tools/list: the seed's six and fairpack's four, with their input schemas (no test tool without --test-clock)
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['request_resources', 'release_resources', 'get_capacity', 'get_allocation', 'list_allocations', 'cleanup_expired', 'submit_job', 'wait_for_allocation', 'queues', 'explain']);
    const request = tools[0]?.inputSchema as unknown as { required: string[]; additionalProperties: boolean; properties: Record<string, Record<string, unknown>> };
    expect(request.required).toEqual(['job_id', 'mcp_servers']);
    expect(request.additionalProperties).toBe(false);
    expect(Object.keys(request.properties)).toEqual(['job_id', 'mcp_servers', 'workers', 'priority', 'ttl_seconds', 'metadata']);
    expect(request.properties['workers']).toMatchObject({ type: 'integer', minimum: 0, default: 0 });
    expect(request.properties['priority']).toMatchObject({ enum: ['low', 'normal', 'high', 'critical'], default: 'normal' });
    expect(tools[4]?.inputSchema.properties?.['state']).toMatchObject({ enum: ['pending', 'active', 'releasing', 'released', 'failed'] });
    expect(tools.find((tool) => tool.name === 'get_capacity')?.annotations).toMatchObject({ readOnlyHint: true });

    // bad arguments: tool errors with a clear text; the server goes on answering
    expect(await s.callError('request_resources', { job_id: 'j', mcp_servers: ['filesystem'], workers: -2 })).toBe('Expected `workers` of request_resources to be a whole number from 0 to 1,000,000, got -2 (number).');
    expect(await s.callError('request_resources', { job_id: 7, mcp_servers: [] })).toBe('Expected `job_id` of request_resources to be a non-empty string of at most 256 characters, got 7 (number).');
    expect(await s.callError('request_resources', { job_id: 'j', mcp_servers: [], priorty: 'high' })).toBe(
      'Unknown request_resources argument `priorty`. Did you mean `priority`? Accepted: job_id, mcp_servers, workers, priority, ttl_seconds, metadata.',
    );
    expect(await s.callError('get_allocation', {})).toBe('Expected `allocation_id` of get_allocation to be a non-empty string of at most 256 characters, got nothing.');
    expect(await s.callError('list_allocations', { state: 'running' })).toMatch(/^Expected `state` of list_allocations to be one of "pending", "active"/);
    await expect(client.callTool({ name: 'request_resource', arguments: {} })).rejects.toThrow('Unknown tool "request_resource". Did you mean "request_resources"?');
    expect((await s.call('get_capacity')).available_workers).toBe(9);

    // resources: listed, readable, and updated on change for subscribers
    const { resources } = await client.listResources();
    expect(resources.map((r) => [r.uri, r.mimeType])).toEqual([
      ['fairpack://capacity', 'application/json'],
      ['fairpack://allocations', 'application/json'],
    ]);
    const read = async (uri: string) => JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text);
    expect(await read('fairpack://allocations')).toMatchObject([{ job_id: 'short', state: 'active' }]);
    await expect(client.readResource({ uri: 'fairpack://nodes' })).rejects.toThrow(/Unknown resource "fairpack:\/\/nodes"/);
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri));
    await client.subscribeResource({ uri: 'fairpack://capacity' });
    const big = await s.call('request_resources', { job_id: 'big', mcp_servers: ['github'], workers: 9 });
    await sleep(50);
    expect(updates).toEqual(['fairpack://capacity']);
    expect(await read('fairpack://capacity')).toMatchObject({ available_workers: 0, running_mcp_servers: ['filesystem', 'github'] });

    // submit_job waits in the queue; wait_for_allocation returns once the release made room
    const pending = await s.call('submit_job', { job_id: 'queued', mcp_servers: ['github'], workers: 5 });
    expect(pending).toMatchObject({ status: 'pending', reason: 'insufficient-resources', message: 'Insufficient workers: requested 5, available 0', position: 0 });
    expect(await s.call('queues')).toEqual([{ job_id: 'queued', priority: 'normal', length: 1, next_allocation_id: pending.allocation_id }]);
    const waiting = s.call('wait_for_allocation', { allocation_id: pending.allocation_id, timeout_seconds: 30 });
    await s.call('release_resources', { allocation_id: big.allocation_id });
    expect(await waiting).toMatchObject({ state: 'active', timed_out: false, resources: { workers: 5 } });

    // the one-second TTL has passed by now (or will in a moment)
    await sleep(Math.max(0, expiresBy + 100 - Date.now()));
    expect(await s.call('get_allocation', { allocation_id: short.allocation_id })).toMatchObject({ state: 'released', is_expired: true });
    expect(await s.call('cleanup_expired')).toEqual([]);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(await s.close()).toMatch(/fairpack mcp: ready — 1 node\(s\), cpu=16 memory=32768 workers=10; state in memory only \(not persisted: use --data <dir>\); MCP over stdio[\s\S]*fairpack mcp: stopped/);
  });
});

describe('fairpack mcp: flags', () => {
  it('--nodes, --worker-cpu, --worker-memory, --default-ttl shape the cluster and the requests', async () => {
    const nodes = join(dir, 'nodes.json');
    writeFileSync(nodes, JSON.stringify([
      { id: 'small', capacity: { cpu: 4, memory: 8192, workers: 4 } },
      { id: 'large', capacity: { cpu: 16, memory: 32768, workers: 8 } },
    ]));
    const s = await connect(built(), ['--nodes', nodes, '--worker-cpu', '2', '--worker-memory', '4096', '--default-ttl', '600']);
    expect(await s.call('get_capacity')).toMatchObject({ total_cpu: 20, total_memory: 40960, total_workers: 12 });
    // 3 workers × 2 cpu = 6 cpu: more than the small node has, so it goes to the large one
    expect(await s.call('request_resources', { job_id: 'j', mcp_servers: [], workers: 3 })).toMatchObject({ status: 'active', resources: { cpu: 6, memory: 12288, workers: 3 }, ttl_seconds: 600 });
    expect(await s.call('list_allocations')).toMatchObject([{ workers: 3 }]);
    // the large node has 8 − 3 = 5 workers left, the small one 4 (but only 4 cpu: room for 2)
    expect(await s.call('explain', { workers: 6 })).toMatchObject({ fits_now: false, can_ever_fit: true, reason: 'Insufficient workers: requested 6, available 5 on any one node', node_id: 'large' });
    expect(await s.call('explain', { workers: 5 })).toMatchObject({ fits_now: true, reason: null, node_id: 'large' });
    await s.close();
  });

  it('--cpu, --memory, --workers set the one node; mistakes are usage errors (exit 2) before anything starts', async () => {
    const help = await runCli(built(), ['mcp', '--help'], '');
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: fairpack mcp \[options\]/)]);
    const cases: [args: string[], message: RegExp][] = [
      [['--cpu', 'many'], /Expected --cpu to be a number from 0 to 1,000,000,000 with at most 3 decimals, got "many"/],
      [['--workers', '2.5'], /Expected --workers to be a whole number/],
      [['--cpu', '4', '--nodes', 'x.json'], /Expected --cpu\/--memory\/--workers or --nodes, got both/],
      [['--test-clock', 'yesterday'], /Expected --test-clock to be an ISO 8601 time/],
      [['--worker'], /Unknown option --worker. Did you mean --workers\?/],
      [['--fairness', 'dfr'], /Did you mean 'drf'\?/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(built(), ['mcp', ...args], '');
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const noWorkers = join(dir, 'no-workers.json');
    writeFileSync(noWorkers, JSON.stringify([{ id: 'n1', capacity: { cpu: 8, memory: 1024 } }]));
    const run = await runCli(built(), ['mcp', '--nodes', noWorkers], '');
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('node "n1" has none')]);

    const s = await connect(built(), ['--cpu', '8', '--memory', '8192', '--workers', '16']);
    expect(await s.call('get_capacity')).toMatchObject({ total_cpu: 8, total_memory: 8192, total_workers: 16 });
    expect(await s.call('request_resources', { job_id: 'j', mcp_servers: [], workers: 5 })).toMatchObject({ status: 'failed', error: 'Insufficient memory: requested 10240 MB, available 8192 MB' });
    await s.close();
  });

  it('names what to install when the MCP SDK is missing', async () => {
    await expect(loadMcpSdk(() => Promise.reject(new Error("Cannot find package '@modelcontextprotocol/sdk'")))).rejects.toThrow(
      "fairpack mcp needs @modelcontextprotocol/sdk, an optional peer dependency of fairpack, and it could not be loaded (Cannot find package '@modelcontextprotocol/sdk'). Install it next to fairpack: npm install @modelcontextprotocol/sdk",
    );
  });
});
