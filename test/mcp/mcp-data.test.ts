import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../cli/built-cli.js';
import { useBuiltCli } from '../cli/built-cli.js';
import { connect } from './mcp-session.js';

/*
 * `fairpack mcp --data <dir>` as an MCP client sees it (the built bin, the SDK's client over
 * stdio): allocations survive a kill -9 with the same ids, endpoints and worker ports, the queue
 * and the id counter go on, capacity comes back exactly; one process and one kind per directory.
 */

const built = useBuiltCli();
const root = mkdtempSync(join(tmpdir(), 'fairpack-mcp-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** get_allocation without what moves with the clock. */
function still(allocation: Record<string, any>): Record<string, any> {
  const { timestamps, ...rest } = allocation;
  const { age_seconds: _age, ...times } = timestamps as Record<string, unknown>;
  return { ...rest, timestamps: times };
}

describe('fairpack mcp --data', () => {
  it('allocations survive kill -9: same ids, endpoints and ports; the queue and the ids go on; capacity comes back exactly', async () => {
    const dir = join(root, 'state');
    const first = await connect(built(), ['--data', dir, '--cpu', '8', '--memory', '16384', '--workers', '6']);
    const a = await first.call('request_resources', { job_id: 'job-a', mcp_servers: ['filesystem', 'github'], workers: 2, priority: 'high', metadata: { team: 'search' } });
    const b = await first.call('request_resources', { job_id: 'job-b', mcp_servers: ['github', 'slack'], workers: 3 });
    const c = await first.call('submit_job', { job_id: 'job-c', mcp_servers: ['postgres'], workers: 4 });
    const released = await first.call('request_resources', { job_id: 'job-d', mcp_servers: ['filesystem'], workers: 0 });
    await first.call('release_resources', { allocation_id: released.allocation_id });
    expect([a.status, b.status, c.status]).toEqual(['active', 'active', 'pending']);
    const before = await Promise.all([a, b, c, released].map(async ({ allocation_id }) => still(await first.call('get_allocation', { allocation_id }))));
    const list = await first.call('list_allocations');
    const capacity = await first.call('get_capacity');
    expect(capacity).toMatchObject({ allocated_workers: 5, running_mcp_servers: ['filesystem', 'github', 'slack'], active_allocations: 2 });
    expect(first.stderr()).toContain(`fairpack mcp: new state in `);
    expect(first.stderr()).toContain(`state in ${dir}; MCP over stdio`);
    await first.kill();

    // FAIRPACK_DATA names the directory too; the cluster flags of a new directory are ignored now
    const second = await connect(built(), ['--cpu', '64', '--workers', '100'], { FAIRPACK_DATA: dir });
    expect(second.stderr()).toMatch(/fairpack mcp: recovered .*: snapshot at seq 0 and \d+ log entries after it/);
    expect(second.stderr()).toContain('--cpu, --workers ignored: the MCP server recovered from the data directory keeps its settings');
    const after = await Promise.all([a, b, c, released].map(async ({ allocation_id }) => still(await second.call('get_allocation', { allocation_id }))));
    expect(after).toEqual(before);
    expect((await second.call('list_allocations')).map((x: Record<string, unknown>) => x['allocation_id'])).toEqual(list.map((x: Record<string, unknown>) => x['allocation_id']));
    expect(await second.call('get_capacity')).toEqual(capacity);
    expect(await second.call('queues')).toEqual([{ job_id: 'job-c', priority: 'normal', length: 1, next_allocation_id: c.allocation_id }]);

    // releasing b starts c; a new allocation gets the next id of the same generator, and the lowest free ports
    await second.call('release_resources', { allocation_id: b.allocation_id });
    expect(await second.call('get_allocation', { allocation_id: c.allocation_id })).toMatchObject({ state: 'active', mcp_servers: [{ name: 'postgres', status: 'running' }] });
    const next = await second.call('request_resources', { job_id: 'job-e', mcp_servers: ['slack'], workers: 0 });
    const counter = (id: string) => Number.parseInt(id.slice(-6), 16);
    expect(next.allocation_id.slice(0, 12)).toBe(a.allocation_id.slice(0, 12));
    expect(counter(next.allocation_id)).toBe(counter(released.allocation_id) + 1);
    await second.close();

    // a clean stop wrote a snapshot: nothing to replay
    const third = await connect(built(), ['--data', dir]);
    expect(third.stderr()).toMatch(/recovered .*: snapshot at seq (\d+) and 0 log entries after it/);
    for (const { allocation_id } of [a, c, next]) expect(await third.call('release_resources', { allocation_id })).toMatchObject({ status: 'released' });
    expect(await third.call('get_capacity')).toEqual({
      total_cpu: 8,
      total_memory: 16384,
      total_workers: 6,
      allocated_cpu: 0,
      allocated_memory: 0,
      allocated_workers: 0,
      available_cpu: 8,
      available_memory: 16384,
      available_workers: 6,
      running_mcp_servers: [],
      active_allocations: 0,
    });
    await third.close();
  });

  it('one process per directory, one kind per directory, and no test clock', async () => {
    const dir = join(root, 'locked');
    const holder = await connect(built(), ['--data', dir]);
    const second = await runCli(built(), ['mcp', '--data', dir], '');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/fairpack mcp: .*(lock|in use|another process)/i);
    await holder.close();

    // a directory of fairpack node is refused by fairpack mcp, and the other way round; serve too
    const nodeDir = join(root, 'node');
    expect((await runCli(built(), ['node', '--data', nodeDir], '')).code).toBe(0);
    const refused = await runCli(built(), ['mcp', '--data', nodeDir], '');
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('was not written by fairpack mcp: it holds the state of `fairpack node`')]);
    const byNode = await runCli(built(), ['node', '--data', dir], '');
    expect([byNode.code, byNode.stderr]).toEqual([1, expect.stringContaining('was not written by fairpack node: it holds the state of `fairpack mcp`')]);
    const byServe = await runCli(built(), ['serve', '--port', '0', '--data', dir], '');
    expect([byServe.code, byServe.stderr]).toEqual([1, expect.stringContaining('holds the state of a `fairpack mcp`, not of a server')]);
    const serveDir = join(root, 'serve');
    const server = startCli(built(), ['serve', '--port', '0', '--data', serveDir]);
    await new Promise<void>((resolve) => server.stdout?.on('data', (chunk: Buffer) => String(chunk).includes('listening') && resolve()));
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    const fromServe = await runCli(built(), ['mcp', '--data', serveDir], '');
    expect([fromServe.code, fromServe.stderr]).toEqual([1, expect.stringContaining('it holds the state of `fairpack serve`')]);

    for (const args of [['--data', dir, '--test-clock', '2025-12-08T19:00:00Z'], ['--data', '']]) {
      const run = await runCli(built(), ['mcp', ...args], '');
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/Expected --test-clock or --data, got both|Expected a directory for --data/);
    }
    const help = await runCli(built(), ['mcp', '--help'], '');
    expect(help.stdout).toContain('--data <dir>');
  });
});
