import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, useBuiltCli } from './built-cli.js';

/*
 * `fairpack node` as a user runs it: the bin built from today's sources, spawned as a process,
 * fed on stdin, read on stdout.
 */

const cli = useBuiltCli();
type Body = Record<string, unknown>;
interface Envelope {
  src?: string;
  dest?: string;
  body: Body;
}

/**
 * The seed's check: every field of the expected body is in the reply, strings as regular
 * expressions (`".*"` for the allocation id), everything else equal. Replies may carry more
 * fields (their own `msg_id`, and a `job_id` on `queued`), as Maelstrom replies do.
 */
function expectSeedMatch(actual: Body, expected: Body): void {
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value === 'string') expect(String(actual[key])).toMatch(new RegExp(`^${value}$`));
    else expect(actual[key]).toEqual(value);
  }
}

// The seed's two sample cases, copied verbatim (input as printed there, expected output line).
const SEED_CASES = [
  {
    name: 'Allocate resources for job',
    input: `{
  "src": "scheduler",
  "dest": "resources",
  "body": {
    "type": "allocate",
    "msg_id": 1,
    "requirements": [
      {
        "type": "cpu",
        "amount": 2
      },
      {
        "type": "memory",
        "amount": 4
      }
    ]
  }
}`,
    expected: '{"type": "allocated", "in_reply_to": 1, "allocation_id": ".*", "resources": {"cpu": 2, "memory": 4}}',
    extra: ['msg_id'],
  },
  {
    name: 'Queue job when resources unavailable',
    input: `{
  "src": "scheduler",
  "dest": "resources",
  "body": {
    "type": "allocate",
    "msg_id": 1,
    "requirements": [
      {
        "type": "gpu",
        "amount": 4
      }
    ]
  }
}`,
    expected: '{"type": "queued", "in_reply_to": 1, "reason": "Insufficient resources", "available": {"gpu": 2}, "required": 4}',
    extra: ['msg_id', 'job_id'],
  },
];

describe('fairpack node: the seed sample cases', () => {
  for (const sample of SEED_CASES) {
    it(sample.name, async () => {
      // the wire carries one message per line: the printed input, compacted
      const line = JSON.stringify(JSON.parse(sample.input));
      const run = await runCli(cli(), ['node'], `${line}\n`);
      expect(run.code).toBe(0);
      const replies = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Envelope);
      expect(replies).toHaveLength(1);
      const reply = replies[0] as Envelope;
      expect([reply.src, reply.dest]).toEqual(['resources', 'scheduler']);
      const expected = JSON.parse(sample.expected) as Body;
      expectSeedMatch(reply.body, expected);
      expect(Object.keys(reply.body).sort()).toEqual([...Object.keys(expected), ...sample.extra].sort());
    });
  }
});

/** A running node: send a body, read the next reply line. */
class Session {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private msgId = 0;
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (this.waiting === undefined) this.lines.push(line);
      else {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(line);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.on('close', resolve));
  }

  send(body: Body): number {
    const msgId = ++this.msgId;
    this.child.stdin?.write(`${JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: msgId } })}\n`);
    return msgId;
  }

  async next(): Promise<Envelope> {
    const line = this.lines.shift() ?? (await new Promise<string>((resolve) => (this.waiting = resolve)));
    return JSON.parse(line) as Envelope;
  }

  async ask(body: Body): Promise<Body> {
    this.send(body);
    return (await this.next()).body;
  }
}

describe('fairpack node: a session', () => {
  it('queues what does not fit, announces it when a release makes room, and exits 0 at EOF', async () => {
    const node = new Session(startCli(cli(), ['node']));
    expect(await node.ask({ type: 'init', node_id: 'n1', node_ids: ['n1'] })).toMatchObject({ type: 'init_ok', in_reply_to: 1 });

    // cpu 8 in all: 6 fit, then 4 more do not (2 free)
    const first = await node.ask({ type: 'allocate', requirements: [{ type: 'cpu', amount: 6 }] });
    expect(first).toMatchObject({ type: 'allocated', in_reply_to: 2, resources: { cpu: 6 } });
    const waiting = await node.ask({ type: 'allocate', requirements: [{ type: 'cpu', amount: 4 }] });
    expect(waiting).toMatchObject({ type: 'queued', in_reply_to: 3, reason: 'Insufficient resources', available: { cpu: 2 }, required: 4 });

    // releasing the 6 frees room: the reply, then the unsolicited start of request 3
    node.send({ type: 'release', allocation_id: first['allocation_id'], job_status: 'completed' });
    const released = await node.next();
    const announced = await node.next();
    expect(released.body).toMatchObject({ type: 'released', in_reply_to: 4, allocation_id: first['allocation_id'], resources_freed: { cpu: 6 } });
    expect(announced).toMatchObject({ src: 'n1', dest: 'c1', body: { type: 'allocated', in_reply_to: 3, resources: { cpu: 4 } } });
    expect(announced.body['msg_id'] as number).toBeGreaterThan(released.body['msg_id'] as number);

    expect(await node.ask({ type: 'capacity' })).toMatchObject({ type: 'capacity_ok', allocated: { cpu: 4 }, available: { cpu: 4, memory: 16, gpu: 2 } });
    // the seed's submit_job example on the same node: 2 start, 1 waits for the limit
    expect(await node.ask({ type: 'submit_job', category: 'heavy', concurrency_limit: 2, jobs: 3 })).toMatchObject({ type: 'jobs_submitted', queued: 1, running: 2, waiting: 1 });

    node.child.stdin?.end();
    expect(await node.exited).toBe(0);
    expect(node.stderr).toMatch(/ready/);
    expect(node.stderr).toMatch(/end of input — 6 message\(s\), 7 sent/);
  });

  it('answers garbage with errors and keeps going', async () => {
    const longLine = `{"pad":"${'x'.repeat(1_100_000)}"}`;
    const input = ['not json', '', '[1,2]', '{"src":"c1","dest":"n1"}', longLine, '{"src":"c1","dest":"n1","body":{"type":"capacity","msg_id":9}}', ''].join('\n');
    const run = await runCli(cli(), ['node'], input);
    expect(run.code).toBe(0);
    const bodies = run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Envelope).body);
    expect(bodies.map((b) => b['code'] ?? b['type'])).toEqual(['MALFORMED_JSON', 'INVALID_MESSAGE', 'INVALID_MESSAGE', 'MESSAGE_TOO_LARGE', 'capacity_ok']);
  });
});

describe('fairpack node: flags', () => {
  const capacity = async (args: string[]): Promise<Body> => {
    const run = await runCli(cli(), ['node', ...args], '{"src":"c","dest":"n","body":{"type":"capacity","msg_id":1}}\n');
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as Envelope).body;
  };

  it('sizes the pool with --capacity or --nodes', async () => {
    expect((await capacity(['--capacity', 'cpu=16,memory=64,gpu=8']))['total']).toEqual({ cpu: 16, memory: 64, gpu: 8 });
    const dir = mkdtempSync(join(tmpdir(), 'fairpack-node-'));
    writeFileSync(join(dir, 'nodes.json'), JSON.stringify([{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4, gpu: 1 } }]));
    expect((await capacity(['--nodes', join(dir, 'nodes.json'), '--placement', 'worst-fit', '--fairness', 'fifo']))['total']).toEqual({ cpu: 8, gpu: 1 });
  });

  it('refuses bad flags with exit code 2 and a message', async () => {
    const bad = [['--placement', 'nope'], ['--bogus'], ['--capacity', 'cpu=-1'], ['--capacity', 'cpu=1', '--nodes', 'x.json'], ['--max-queued=-1'], ['--max-queued-per-tenant', '2.5'], ['--max-line-length', '0']];
    for (const args of bad) {
      const run = await runCli(cli(), ['node', ...args], '');
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/fairpack node: .+\nRun `fairpack node --help`/);
    }
    const help = await runCli(cli(), ['node', '--help'], '');
    expect(help.code).toBe(0);
    for (const flag of ['--capacity', '--max-queued', '--max-queued-per-tenant', '--max-line-length']) expect(help.stdout).toContain(flag);
  });

  it('--max-queued bounds the waiting requests: past it, an error QUEUE_FULL', async () => {
    const allocate = (msgId: number) => JSON.stringify({ src: 'c1', dest: 'n1', body: { type: 'allocate', msg_id: msgId, requirements: [{ type: 'cpu', amount: 1 }] } });
    const run = await runCli(cli(), ['node', '--capacity', 'cpu=1', '--max-queued', '2'], `${[1, 2, 3, 4].map(allocate).join('\n')}\n`);
    expect(run.code).toBe(0);
    const bodies = run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Envelope).body);
    expect(bodies.map((b) => [b['in_reply_to'], b['code'] ?? b['type']])).toEqual([
      [1, 'allocated'],
      [2, 'queued'],
      [3, 'queued'],
      [4, 'QUEUE_FULL'],
    ]);
  });

  it('--max-line-length bounds a line: a longer one is MESSAGE_TOO_LARGE, and the node goes on', async () => {
    const capacity = '{"src":"c","dest":"n","body":{"type":"capacity","msg_id":2}}';
    const run = await runCli(cli(), ['node', '--max-line-length', '100'], `{"pad":"${'x'.repeat(200)}"}\n${capacity}\n`);
    const bodies = run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Envelope).body);
    expect(bodies.map((b) => b['code'] ?? b['type'])).toEqual(['MESSAGE_TOO_LARGE', 'capacity_ok']);
    expect(bodies[0]?.['text']).toMatch(/at most 100 characters/);
  });
});

describe('fairpack node --data', () => {
  const line = (msgId: number, body: Body) => JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: msgId } });
  const bodies = (stdout: string) => stdout.trim().split('\n').map((l) => (JSON.parse(l) as Envelope).body);

  it('without it, the ready line says the state is not persisted', async () => {
    const run = await runCli(cli(), ['node'], '');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('state in memory only (not persisted: use --data <dir>)');
  });

  it('a second run goes on where the first left off: allocations, parked requests, msg_ids, flags of a new node only', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fairpack-node-data-')), 'state');
    const first = await runCli(cli(), ['node', '--data', dir, '--capacity', 'cpu=4', '--max-line-length', '200'], [
      line(1, { type: 'allocate', requirements: [{ type: 'cpu', amount: 3 }] }),
      line(2, { type: 'allocate', requirements: [{ type: 'cpu', amount: 2 }] }), // waits for the first
      line(3, { type: 'allocate', requirements: [{ type: 'cpu', amount: 9 }] }), // no node holds it: parked
    ].join('\n') + '\n');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`new state in ${dir}`);
    const [allocated, queued, parked] = bodies(first.stdout);
    expect([allocated?.['type'], queued?.['type'], parked?.['type']]).toEqual(['allocated', 'queued', 'queued']);
    // FAIRPACK_DATA names the directory too; the cluster flags of a new node are ignored now
    const second = await runCli(cli(), ['node', '--capacity', 'cpu=64', '--max-line-length', '50'], [
      line(4, { type: 'release', allocation_id: allocated?.['allocation_id'] }),
      line(5, { type: 'queues' }),
      `{"pad":"${'x'.repeat(100)}"}`, // 100+ characters: within the first run's 200, so answered, not MESSAGE_TOO_LARGE
    ].join('\n') + '\n', { FAIRPACK_DATA: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/recovered .*: snapshot at seq \d+ and \d+ log entries after it/);
    expect(second.stderr).toContain('--capacity, --max-line-length ignored: the node recovered from the data directory keeps its settings');
    const [released, started, queues, garbage] = bodies(second.stdout);
    expect(released).toMatchObject({ type: 'released', in_reply_to: 4, resources_freed: { cpu: 3 } });
    // the job queued by message 2 starts, announced in reply to it; msg_ids go on after the first run's
    expect(started).toMatchObject({ type: 'allocated', in_reply_to: 2 });
    expect(queues).toMatchObject({ type: 'queues_ok', parked: 1 });
    expect(garbage?.['code']).toBe('INVALID_MESSAGE');
    const ids = [...bodies(first.stdout), ...bodies(second.stdout)].map((b) => b['msg_id'] as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('one process per directory, and never a directory of fairpack serve', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fairpack-node-lock-')), 'state');
    const holder = startCli(cli(), ['node', '--data', dir]);
    await waitForReady(holder);
    const second = await runCli(cli(), ['node', '--data', dir], '');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/fairpack node: .*(lock|in use|another process)/i);
    holder.stdin?.end();
    await new Promise((resolve) => holder.once('exit', resolve));
    // a directory written by `fairpack serve` holds a manager snapshot: refused, nothing changed
    const serveDir = join(mkdtempSync(join(tmpdir(), 'fairpack-node-serve-')), 'state');
    const server = startCli(cli(), ['serve', '--port', '0', '--data', serveDir]);
    await new Promise<void>((resolve) => server.stdout?.on('data', (chunk: Buffer) => String(chunk).includes('listening') && resolve()));
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    const refused = await runCli(cli(), ['node', '--data', serveDir], '');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was not written by fairpack node');
    const back = await runCli(cli(), ['serve', '--port', '0', '--data', dir], '');
    expect(back.code).toBe(1);
    expect(back.stderr).toContain('holds the state of a `fairpack node`');
  });
});

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.stderr?.on('data', (chunk: Buffer) => String(chunk).includes('fairpack node: ready') && resolve()));
}

describe('fairpack: commands, flags and version', () => {
  it('an unknown command suggests the closest one', async () => {
    const run = await runCli(cli(), ['serv'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fairpack: unknown command "serv"\. Did you mean "serve"\?\n/);
    expect((await runCli(cli(), ['frobnicate'], '')).stderr).not.toContain('Did you mean');
  });

  it('an unknown flag suggests the closest one', async () => {
    const serve = await runCli(cli(), ['serve', '--prot', '1'], '');
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/^fairpack serve: Unknown option --prot\. Did you mean --port\?\nRun `fairpack serve --help`/);
    expect((await runCli(cli(), ['node', '--capcity=cpu=1'], '')).stderr).toMatch(/^fairpack node: Unknown option --capcity\. Did you mean --capacity\?/);
    expect((await runCli(cli(), ['simulate', '--sed', '1'], '')).stderr).toMatch(/Did you mean --seed\?/);
  });

  it('--version and -v print the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const run = await runCli(cli(), [flag], '');
      expect([run.code, run.stdout]).toEqual([0, `${version}\n`]);
    }
  });
});
