import { AllocationManager, ProtocolHandler, type ProtocolEnvelope } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { refused } from '../support.js';
import { type Body, bodies, req, seedNode } from './helpers.js';

describe('the seed formats', () => {
  it('allocate → allocated, with the resources in the order asked', () => {
    const { send } = seedNode();
    const [reply] = send({ type: 'allocate', requirements: req({ cpu: 2, memory: 4 }) });
    expect(reply).toEqual({ src: 'n1', dest: 'c1', body: { type: 'allocated', msg_id: 1, in_reply_to: 1, allocation_id: expect.any(String), resources: { cpu: 2, memory: 4 } } });
    expect(JSON.stringify(reply?.body.type === 'allocated' && reply.body.resources)).toBe('{"cpu":2,"memory":4}');
  });

  it('queued: `required` is the number when one dimension falls short (gpu 4 asked, 2 in the whole pool)', () => {
    const { ask } = seedNode();
    expect(ask({ type: 'allocate', requirements: req({ gpu: 4 }) })).toEqual({
      type: 'queued',
      msg_id: 1,
      in_reply_to: 1,
      reason: 'Insufficient resources',
      available: { gpu: 2 },
      required: 4,
      job_id: expect.any(String),
    });
  });

  it('queued: `required` is an object when several dimensions fall short', () => {
    const { ask } = seedNode();
    ask({ type: 'allocate', requirements: req({ cpu: 2, memory: 4 }) });
    // free now: cpu 6, memory 12 — 7 and 13 fit the pool but not what is left
    expect(ask({ type: 'allocate', requirements: req({ cpu: 7, memory: 13 }) })).toMatchObject({
      type: 'queued',
      reason: 'Insufficient resources',
      available: { cpu: 6, memory: 12 },
      required: { cpu: 7, memory: 13 },
    });
  });

  it('release → released with resources_freed', () => {
    const { ask } = seedNode();
    const allocated = ask({ type: 'allocate', requirements: req({ cpu: 2, memory: 4 }) });
    expect(ask({ type: 'release', allocation_id: allocated['allocation_id'], job_status: 'completed' })).toEqual({
      type: 'released',
      msg_id: 2,
      in_reply_to: 2,
      allocation_id: allocated['allocation_id'],
      resources_freed: { cpu: 2, memory: 4 },
    });
  });

  it('submit_job: 3 jobs under a limit of 2 → queued 1, running 2, waiting 1', () => {
    const { ask } = seedNode();
    expect(ask({ type: 'submit_job', category: 'heavy', concurrency_limit: 2, jobs: 3 })).toMatchObject({ type: 'jobs_submitted', in_reply_to: 1, queued: 1, running: 2, waiting: 1 });
  });

  it('init → init_ok; the node id becomes `src` when a request names no `dest`', () => {
    const { handler } = seedNode();
    expect(handler.handle({ src: 'c0', dest: 'n7', body: { type: 'init', msg_id: 1, node_id: 'n7', node_ids: ['n7'] } })).toEqual([{ src: 'n7', dest: 'c0', body: { type: 'init_ok', msg_id: 1, in_reply_to: 1 } }]);
    expect(handler.handle({ src: 'c0', body: { type: 'capacity', msg_id: 2 } })[0]?.src).toBe('n7');
  });
});

describe('queued requests that start later', () => {
  it('are announced to their sender, after the reply to the message that made room', () => {
    const { send, ask } = seedNode();
    const big = ask({ type: 'allocate', requirements: req({ cpu: 6 }) });
    const queued = ask({ type: 'allocate', requirements: req({ cpu: 4 }) }, 'c2');
    expect(queued).toMatchObject({ type: 'queued', in_reply_to: 2, available: { cpu: 2 }, required: 4 });

    const out = send({ type: 'release', allocation_id: big['allocation_id'] });
    expect(out.map((m) => [m.dest, m.body.type, m.body.in_reply_to, m.body.msg_id])).toEqual([
      ['c1', 'released', 3, 3],
      ['c2', 'allocated', 2, 4], // to the original sender, referring to its msg_id 2
    ]);
    expect(out[1]?.body).toMatchObject({ resources: { cpu: 4 } });
  });

  it('are parked when no node could ever hold them, and start once a big enough node is added', () => {
    const sent: ProtocolEnvelope[] = [];
    const { manager, ask } = seedNode({}, { send: (message) => sent.push(message) });
    const queued = ask({ type: 'allocate', requirements: req({ gpu: 4 }) });
    expect(ask({ type: 'queues' })).toMatchObject({ parked: 1 });
    // the embedding application grows the cluster itself: the news goes out through `send`
    manager.addNode({ id: 'big', capacity: { gpu: 8 } });
    expect(bodies(sent)).toEqual([{ type: 'allocated', msg_id: 3, in_reply_to: 1, allocation_id: expect.any(String), resources: { gpu: 4 } }]);
    expect(manager.job(queued['job_id'] as string)?.status).toBe('running');
    expect(ask({ type: 'queues' })).toMatchObject({ parked: 0 });
  });

  it('without `send`, news from outside handle() comes first in the next answer', () => {
    const { manager, send } = seedNode();
    send({ type: 'allocate', requirements: req({ gpu: 4 }) });
    manager.addNode({ id: 'big', capacity: { gpu: 8 } });
    expect(bodies(send({ type: 'capacity' })).map((b) => [b['type'], b['in_reply_to']])).toEqual([
      ['allocated', 1],
      ['capacity_ok', 2],
    ]);
  });

  it('are announced again, with a new allocation, after their node failed and they restarted', () => {
    const { manager, send, ask } = seedNode({ nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }] });
    const first = ask({ type: 'allocate', requirements: req({ cpu: 4 }) });
    const node = manager.allocations()[0]?.placements[0]?.nodeId as string;
    manager.setNodeStatus(node, 'offline'); // re-queued, and started on the other node at once
    const [news] = send({ type: 'capacity' });
    expect(news?.body).toMatchObject({ type: 'allocated', in_reply_to: 1, resources: { cpu: 4 } });
    expect(news?.body.type === 'allocated' && news.body.allocation_id).not.toBe(first['allocation_id']);
  });
});

describe('preemption', () => {
  it('tells the victim\'s sender, then announces its restart once room frees again', () => {
    let now = 0;
    const { manager, send, ask } = seedNode({ now: () => now });
    const low = ask({ type: 'allocate', requirements: req({ cpu: 6 }), priority: 'low' }, 'worker');
    // a high job needs 4 of the 2 free: the low job is evicted after its grace period (30 s by default)
    const out = bodies(send({ type: 'allocate', requirements: req({ cpu: 4 }), priority: 'high' }, 'boss'));
    expect(out.map((b) => b['type'])).toEqual(['queued', 'preempted']);
    expect(out[1]).toEqual({ type: 'preempted', msg_id: 3, in_reply_to: 1, job_id: expect.any(String), allocation_id: low['allocation_id'], grace_ends_at: 30_000 });
    now = 30_000;
    manager.tick(); // grace over: the low job is re-queued, the high one starts
    const news = bodies(send({ type: 'capacity' }));
    expect(news.map((b) => [b['type'], b['in_reply_to']])).toEqual([
      ['allocated', 2],
      ['capacity_ok', 3],
    ]);
  });
});

describe('submit_job and concurrency limits', () => {
  it('holds jobs past the limit and starts the next one, announced, when one ends', () => {
    const { send, ask } = seedNode();
    const submitted = ask({ type: 'submit_job', category: 'heavy', concurrency_limit: 2, jobs: 3 });
    expect(submitted['job_ids']).toHaveLength(3);
    const [running] = submitted['allocation_ids'] as string[];
    const out = bodies(send({ type: 'release', allocation_id: running }));
    expect(out.map((b) => [b['type'], b['in_reply_to']])).toEqual([
      ['released', 2],
      ['allocated', 1], // the held third job, referring to the submit_job
    ]);
    expect(ask({ type: 'queues' })['categories']).toEqual({ heavy: { limit: 2, running: 2, waiting: 0 } });
  });

  it('counts the category across messages: `queued` is this message, `running`/`waiting` the category', () => {
    const { ask } = seedNode();
    ask({ type: 'submit_job', category: 'heavy', concurrency_limit: 2, jobs: 3 });
    // the limit stays 2: both new jobs wait, behind the one held before
    expect(ask({ type: 'submit_job', category: 'heavy', jobs: 2 })).toMatchObject({ queued: 2, running: 2, waiting: 3, allocation_ids: [] });
    // raising the limit lets the held jobs go, oldest first
    expect(ask({ type: 'submit_job', category: 'heavy', concurrency_limit: 10, jobs: 1 })).toMatchObject({ queued: 0, running: 6, waiting: 0 });
  });

  it('the limit is the manager\'s cap: every job waits in the manager, for room or for the cap', () => {
    const { ask, manager } = seedNode();
    // each job needs cpu 5 of 8: one runs, two wait in the manager (room for the second, the cap for the third)
    expect(ask({ type: 'submit_job', category: 'big', concurrency_limit: 2, jobs: 3, requirements: req({ cpu: 5 }) })).toMatchObject({ queued: 2, running: 1, waiting: 2 });
    expect(ask({ type: 'queues' })).toMatchObject({ queues: [{ length: 2 }], categories: { big: { limit: 2, running: 1, waiting: 2 } } });
    expect(manager.concurrency()).toEqual({ big: { limit: 2, running: 1 } });
  });

  it('a later message changes the limit at once: lowering stops nothing, raising starts what waited', () => {
    const { ask, manager } = seedNode();
    ask({ type: 'submit_job', category: 'c', concurrency_limit: 3, jobs: 4 });
    expect(manager.concurrency()['c']).toEqual({ limit: 3, running: 3 });
    ask({ type: 'submit_job', category: 'c', concurrency_limit: 1, jobs: 1 }); // 3 still run
    expect(ask({ type: 'queues' })['categories']).toEqual({ c: { limit: 1, running: 3, waiting: 2 } });
    // the two that waited start first (arrival order); this message's job waits: 6 jobs, a cap of 5
    expect(ask({ type: 'submit_job', category: 'c', concurrency_limit: 5, jobs: 1 })).toMatchObject({ queued: 1, running: 5, waiting: 1 });
  });

  it('a bad request changes nothing, its limit included', () => {
    const { ask, manager } = seedNode();
    ask({ type: 'submit_job', category: 'c', concurrency_limit: 0, jobs: 1 });
    const before = JSON.stringify([ask({ type: 'queues' })['categories'], manager.concurrency()]);
    expect(ask({ type: 'submit_job', category: 'c', concurrency_limit: 5, jobs: 2, requirements: req({ cpu: 0.0001 }) })).toMatchObject({ type: 'error', code: 'INVALID_RESOURCES' });
    expect(JSON.stringify([ask({ type: 'queues' })['categories'], manager.concurrency()])).toBe(before);
    expect(manager.jobs()).toHaveLength(1); // the first message's job, waiting for the cap of 0
  });

  it('concurrency_limit 0 holds every job of the category', () => {
    const { ask } = seedNode();
    expect(ask({ type: 'submit_job', category: 'paused', concurrency_limit: 0, jobs: 2 })).toMatchObject({ queued: 2, running: 0, waiting: 2 });
  });
});

describe('bounds on what the handler keeps', () => {
  it('maxParked: past it, a request no node could hold is refused with QUEUE_FULL instead of parked', () => {
    const { ask } = seedNode({}, { maxParked: 2 });
    // before: every such request was parked, without a bound
    expect(ask({ type: 'allocate', requirements: req({ cpu: 9 }) })).toMatchObject({ type: 'queued' });
    expect(ask({ type: 'allocate', requirements: req({ cpu: 9 }) })).toMatchObject({ type: 'queued' });
    expect(ask({ type: 'allocate', requirements: req({ cpu: 9 }) })).toMatchObject({ type: 'error', code: 'QUEUE_FULL' });
    expect(ask({ type: 'queues' })).toMatchObject({ parked: 2 });
  });

  it('maxCategories: a peer cannot grow the categories with a limit without end', () => {
    const { ask, manager } = seedNode({}, { maxCategories: 2 });
    expect(ask({ type: 'submit_job', category: 'a', concurrency_limit: 1 })).toMatchObject({ type: 'jobs_submitted' });
    expect(ask({ type: 'submit_job', category: 'b', concurrency_limit: 1 })).toMatchObject({ type: 'jobs_submitted' });
    // before: every new category name added a cap to the manager, for ever
    expect(ask({ type: 'submit_job', category: 'c', concurrency_limit: 1 })).toMatchObject({ type: 'error', code: 'TOO_MANY_CATEGORIES' });
    expect(Object.keys(manager.concurrency())).toEqual(['a', 'b']);
    // changing an existing category's limit, or a category without one, is fine
    expect(ask({ type: 'submit_job', category: 'a', concurrency_limit: 3 })).toMatchObject({ type: 'jobs_submitted' });
    expect(ask({ type: 'submit_job', category: 'd' })).toMatchObject({ type: 'jobs_submitted' });
  });

  it('the manager\'s queue bounds cover concurrency-limited jobs: the refused ones are counted, not created', () => {
    const { ask, manager } = seedNode({ maxQueuedPerTenant: 2 });
    // before: jobs past a limit were held in the handler, outside every bound
    expect(ask({ type: 'submit_job', category: 'c', concurrency_limit: 1, jobs: 5 })).toMatchObject({ queued: 2, running: 1, waiting: 2, rejected: 2 });
    expect(manager.jobs({ status: 'queued' })).toHaveLength(2);
  });
});

describe('cancel', () => {
  it('cancels a held job, a queued job and a running one', () => {
    const { manager, ask } = seedNode();
    const [running, held] = ask({ type: 'submit_job', category: 'c', concurrency_limit: 1, jobs: 2 })['job_ids'] as string[];
    expect(ask({ type: 'cancel', job_id: held })).toMatchObject({ type: 'cancelled', job_id: held, status: 'cancelled' });
    expect(ask({ type: 'queues' })['categories']).toEqual({ c: { limit: 1, running: 1, waiting: 0 } });
    const queued = ask({ type: 'allocate', requirements: req({ cpu: 9 }) })['job_id'] as string; // parked: cpu 9 > 8
    expect(ask({ type: 'cancel', job_id: queued })).toMatchObject({ status: 'cancelled' });
    expect(ask({ type: 'cancel', job_id: running })).toMatchObject({ status: 'cancelled' });
    expect(manager.job(running as string)?.status).toBe('cancelled');
    expect(ask({ type: 'cancel', job_id: 'nope' })).toMatchObject({ type: 'error', code: 'UNKNOWN_JOB' });
  });
});

describe('read-only messages', () => {
  it('capacity, allocations, queues and nodes', () => {
    const { ask } = seedNode();
    const a = ask({ type: 'allocate', requirements: req({ cpu: 2 }), tenant: 'team-a' });
    ask({ type: 'allocate', requirements: req({ cpu: 7 }) }); // waits in the queue of tenant c1
    expect(ask({ type: 'capacity' })).toMatchObject({ type: 'capacity_ok', total: { cpu: 8, memory: 16, gpu: 2 }, allocated: { cpu: 2 }, available: { cpu: 6 } });
    expect(ask({ type: 'allocations' })).toMatchObject({
      allocations: [{ allocation_id: a['allocation_id'], tenant: 'team-a', priority: 'default', resources: { cpu: 2 }, placements: [{ node_id: 'default', resources: { cpu: 2 } }] }],
    });
    expect(ask({ type: 'allocations', tenant: 'c1' })).toMatchObject({ allocations: [] });
    expect(ask({ type: 'queues' })).toMatchObject({ queues: [{ tenant: 'c1', priority: 'default', length: 1, head_job_id: expect.any(String) }], categories: {}, parked: 0 });
    expect(ask({ type: 'nodes' })).toMatchObject({ nodes: [{ node_id: 'default', status: 'ready', capacity: { cpu: 8 }, available: { cpu: 6 }, labels: {} }] });
  });
});

describe('errors: a typed reply, and nothing changes', () => {
  const cases: [string, Body, string][] = [
    ['unknown type', { type: 'fly' }, 'UNKNOWN_MESSAGE_TYPE'],
    ['no type', {}, 'INVALID_MESSAGE'],
    ['requirements not an array', { type: 'allocate', requirements: { cpu: 2 } }, 'INVALID_RESOURCES'],
    ['a negative amount', { type: 'allocate', requirements: req({ cpu: -1 }) }, 'INVALID_RESOURCES'],
    ['a non-numeric amount', { type: 'allocate', requirements: [{ type: 'cpu', amount: '2' }] }, 'INVALID_RESOURCES'],
    ['a type given twice', { type: 'allocate', requirements: [...req({ cpu: 1 }), ...req({ cpu: 1 })] }, 'INVALID_RESOURCES'],
    ['too many decimals', { type: 'allocate', requirements: req({ cpu: 0.0001 }) }, 'INVALID_RESOURCES'],
    ['a reserved name', { type: 'allocate', requirements: [{ type: '__proto__', amount: 1 }] }, 'INVALID_RESOURCES'],
    ['an unknown priority', { type: 'allocate', requirements: req({ cpu: 1 }), priority: 'urgent' }, 'UNKNOWN_PRIORITY_CLASS'],
    ['release without an id', { type: 'release' }, 'INVALID_MESSAGE'],
    ['an unknown allocation', { type: 'release', allocation_id: 'nope' }, 'UNKNOWN_ALLOCATION'],
    ['a bad job_status', { type: 'release', allocation_id: 'x', job_status: 'done' }, 'INVALID_MESSAGE'],
    ['jobs: 0', { type: 'submit_job', category: 'c', jobs: 0 }, 'INVALID_MESSAGE'],
    ['too many jobs', { type: 'submit_job', category: 'c', jobs: 1001 }, 'INVALID_MESSAGE'],
    ['a fractional limit', { type: 'submit_job', category: 'c', concurrency_limit: 1.5 }, 'INVALID_MESSAGE'],
    ['no category', { type: 'submit_job', jobs: 2 }, 'INVALID_MESSAGE'],
    ['cancel without an id', { type: 'cancel' }, 'INVALID_MESSAGE'],
  ];
  for (const [name, body, code] of cases) {
    it(`${name} → ${code}`, () => {
      const { ask, manager } = seedNode();
      ask({ type: 'allocate', requirements: req({ cpu: 1 }) });
      const before = JSON.stringify([manager.capacity(), manager.allocations(), manager.jobs(), manager.queues(), ask({ type: 'queues' })['categories']]);
      const reply = ask(body);
      expect(reply).toMatchObject({ type: 'error', in_reply_to: expect.any(Number), code, text: expect.any(String) });
      expect(JSON.stringify([manager.capacity(), manager.allocations(), manager.jobs(), manager.queues(), ask({ type: 'queues' })['categories']])).toBe(before);
    });
  }

  it('releasing twice → ALREADY_RELEASED', () => {
    const { ask } = seedNode();
    const { allocation_id } = ask({ type: 'allocate', requirements: req({ cpu: 1 }) });
    ask({ type: 'release', allocation_id });
    expect(ask({ type: 'release', allocation_id })).toMatchObject({ type: 'error', code: 'ALREADY_RELEASED' });
  });

  it('envelopes: not an object, no body, no msg_id — replies without in_reply_to', () => {
    const { handler } = seedNode();
    const codes = [42, null, [], { src: 'c1', dest: 'n1' }, { src: 'c1', body: { type: 'capacity' } }, { src: 'c1', body: { type: 'capacity', msg_id: -1 } }].map(
      (message) => handler.handle(message).map((m) => [m.body.type, m.body.type === 'error' && m.body.code, 'in_reply_to' in m.body]),
    );
    expect(codes).toEqual(Array.from({ length: 6 }, () => [['error', 'INVALID_MESSAGE', false]]));
  });

  it('envelopes: a bad src or dest around a usable msg_id — the error answers it (in_reply_to)', () => {
    // found by the fuzzer (test/fuzz): these errors used to leave in_reply_to out, so a client
    // could not tell which of its requests was refused
    const { handler } = seedNode();
    for (const message of [{ src: 7, body: { type: 'capacity', msg_id: 5 } }, { src: 'c1', dest: {}, body: { type: 'capacity', msg_id: 5 } }]) {
      expect(handler.handle(message).map((m) => m.body)).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_MESSAGE', in_reply_to: 5 })]);
    }
  });

  it('lines: malformed JSON and lines past the limit', () => {
    const handler = new ProtocolHandler(new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 }), { maxLineLength: 100 });
    expect(JSON.parse(handler.handleLine('{"src":')[0] as string)).toMatchObject({ body: { type: 'error', code: 'MALFORMED_JSON' } });
    expect(JSON.parse(handler.handleLine(`{"pad":"${'x'.repeat(100)}"}`)[0] as string)).toMatchObject({ body: { type: 'error', code: 'MESSAGE_TOO_LARGE' } });
  });

  it('refusals the manager decides come back as errors with its code (QUEUE_FULL, QUOTA_EXCEEDED)', () => {
    const quota = seedNode({ tenants: { small: { quota: { cpu: 1 } } } });
    expect(quota.ask({ type: 'allocate', requirements: req({ cpu: 2 }), tenant: 'small' })).toMatchObject({ type: 'error', code: 'QUOTA_EXCEEDED' });
    const full = seedNode({ maxQueued: 0 });
    full.ask({ type: 'allocate', requirements: req({ cpu: 8 }) });
    expect(full.ask({ type: 'allocate', requirements: req({ cpu: 1 }) })).toMatchObject({ type: 'error', code: 'QUEUE_FULL' });
  });

  it('replies are never answered, so two nodes cannot echo errors forever', () => {
    const { handler } = seedNode();
    expect(handler.handle({ src: 'n2', dest: 'n1', body: { type: 'error', in_reply_to: 3, code: 'X', text: 'x' } })).toEqual([]);
  });

  it('after close(): HANDLER_CLOSED', () => {
    const { handler, ask } = seedNode();
    handler.close();
    expect(ask({ type: 'capacity' })).toMatchObject({ type: 'error', code: 'HANDLER_CLOSED' });
  });
});

describe('tenants and options', () => {
  it('the tenant is `tenant` if given, else the sender, so fairness is per client', () => {
    const { ask, manager } = seedNode();
    ask({ type: 'allocate', requirements: req({ cpu: 1 }) }, 'alice');
    ask({ type: 'allocate', requirements: req({ cpu: 1 }), tenant: 'team' }, 'bob');
    expect(manager.allocations().map((a) => a.tenant)).toEqual(['alice', 'team']);
  });

  it('refuses bad options with INVALID_OPTION', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 } });
    for (const options of [{ precision: 12 }, { maxJobsPerMessage: 0 }, { send: 'x' }, { nodeId: '' }, { colour: 'blue' }]) {
      expect(refused(() => new ProtocolHandler(manager, options as never)).code).toBe('INVALID_OPTION');
    }
    expect(refused(() => new ProtocolHandler({} as never)).code).toBe('INVALID_OPTION');
    manager.close();
  });
});

describe('msg_id -0', () => {
  it('is answered as 0: the reply is the same before and after a trip through JSON', () => {
    const { handler } = seedNode();
    // -0 is an integer >= 0, so it is a valid msg_id; echoed as -0, JSON would turn it into 0
    const [reply] = handler.handle({ src: 'c1', dest: 'n1', body: { type: 'capacity', msg_id: -0 } });
    expect(Object.is(reply?.body.in_reply_to, 0)).toBe(true);
    // an envelope error still answers the usable id, also as 0
    const [error] = handler.handle({ src: 7, dest: 'n1', body: { type: 'capacity', msg_id: -0 } } as never);
    expect(error?.body.type).toBe('error');
    expect(Object.is(error?.body.in_reply_to, 0)).toBe(true);
  });
});
