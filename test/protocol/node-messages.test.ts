import { AllocationManager, type ManagerSnapshot, ProtocolHandler, type ProtocolEnvelope, type ProtocolHandlerSnapshot } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { type Body, req, seedNode } from './helpers.js';

/*
 * The node-management messages: node_add → node_added, node_remove → node_removed, node_status →
 * node_status_set, heartbeat → heartbeat_ok, each with the node as `nodes` shows it. Jobs that a
 * removal or a node going offline puts back in the queue stay the protocol's: they are announced
 * with a new `allocated` (in reply to their original request) when they start again. Every
 * refusal is an `error` with a stable code, and changes nothing.
 */

/** Two nodes of cpu 4 — room for one cpu-3 job each, so a displaced job has somewhere to go or not. */
const TWO_NODES = { nodes: [{ id: 'a', capacity: { cpu: 4 } }, { id: 'b', capacity: { cpu: 4 } }] };

/** [type, in_reply_to] of each message: the order of replies and news. */
function shape(messages: readonly ProtocolEnvelope[]): [string, number | undefined][] {
  return messages.map((m) => [m.body.type, m.body.in_reply_to]);
}

/** Everything an error must leave alone, as the manager and the handler's reads show it. */
function books(manager: AllocationManager, ask: (body: Body) => Body): string {
  const read = (type: string) => {
    const { msg_id: _id, in_reply_to: _reply, ...rest } = ask({ type });
    return rest;
  };
  return JSON.stringify([manager.nodes(), manager.allocations(), manager.jobs(), manager.queues(), read('queues'), read('nodes')]);
}

describe('node_add', () => {
  it('adds the node and answers node_added with it as `nodes` shows it', () => {
    const { ask, manager } = seedNode();
    const reply = ask({ type: 'node_add', node: { id: 'gpu-box', capacity: req({ cpu: 16, gpu: 4 }), labels: { zone: 'b' }, taints: [{ key: 'gpu', effect: 'PreferNoSchedule' }], cost_per_hour: 2.5 } });
    // a new node holds nothing: allocated 0 and available = capacity in each of its dimensions
    expect(reply).toEqual({
      type: 'node_added',
      msg_id: 1,
      in_reply_to: 1,
      node: { node_id: 'gpu-box', status: 'ready', capacity: { cpu: 16, gpu: 4 }, allocated: { cpu: 0, gpu: 0 }, available: { cpu: 16, gpu: 4 }, labels: { zone: 'b' } },
    });
    // the same view `nodes` lists, after the default node
    expect((ask({ type: 'nodes' })['nodes'] as Body[])[1]).toEqual((reply['node'] as Body));
    // what the view leaves out reached the manager: taints, cost_per_hour as costPerHour
    expect(manager.nodes()[1]).toMatchObject({ id: 'gpu-box', taints: [{ key: 'gpu', effect: 'PreferNoSchedule' }], costPerHour: 2.5 });
    // the pool grew: cpu 8 + 16 = 24, gpu 2 + 4 = 6
    expect(ask({ type: 'capacity' })).toMatchObject({ total: { cpu: 24, memory: 16, gpu: 6 } });
  });

  it('a parked request starts on the new node, announced after the reply', () => {
    const { send, ask } = seedNode();
    // gpu 4 of a pool with gpu 2: no node could ever hold it — queued and parked
    expect(ask({ type: 'allocate', requirements: req({ gpu: 4 }) })).toMatchObject({ type: 'queued', available: { gpu: 2 }, required: 4 });
    const out = send({ type: 'node_add', node: { id: 'big', capacity: req({ gpu: 8 }) } });
    expect(shape(out)).toEqual([
      ['node_added', 2],
      ['allocated', 1], // the parked request (msg 1) now holds gpu 4 of the new node's 8
    ]);
    // the reply shows the node once the message took effect: the job that started on it included
    expect(out[0]?.body).toMatchObject({ node: { node_id: 'big', allocated: { gpu: 4 }, available: { gpu: 4 } } });
    expect(out[1]?.body).toMatchObject({ resources: { gpu: 4 } });
    expect(ask({ type: 'queues' })).toMatchObject({ parked: 0 });
    expect(ask({ type: 'nodes' })['nodes']).toMatchObject([{ node_id: 'default' }, { node_id: 'big', allocated: { gpu: 4 }, available: { gpu: 4 } }]);
  });

  it('a node added offline takes nothing until node_status sets it ready', () => {
    const { send, ask } = seedNode();
    ask({ type: 'allocate', requirements: req({ gpu: 4 }) }); // parked
    expect(shape(send({ type: 'node_add', node: { id: 'big', capacity: req({ gpu: 8 }), status: 'offline' } }))).toEqual([['node_added', 2]]);
    // a node that could hold it exists now: the request leaves the parked list for the manager's
    // queue (an offline node may come back), but does not start
    expect(ask({ type: 'queues' })).toMatchObject({ queues: [{ tenant: 'c1', length: 1 }], parked: 0 });
    const out = send({ type: 'node_status', node_id: 'big', status: 'ready' });
    expect(shape(out)).toEqual([
      ['node_status_set', 4],
      ['allocated', 1],
    ]);
    expect(out[0]?.body).toMatchObject({ node: { node_id: 'big', status: 'ready' }, requeued_jobs: [] });
  });
});

describe('node_add: taints', () => {
  it('the protocol\'s requests tolerate no taint: a NoSchedule node takes none of them', () => {
    const { ask } = seedNode();
    ask({ type: 'allocate', requirements: req({ cpu: 8 }) }); // fills the default node's cpu 8
    ask({ type: 'node_add', node: { id: 'tainted', capacity: req({ cpu: 8 }), taints: [{ key: 'dedicated', effect: 'NoSchedule' }] } });
    // cpu 1 would fit the new node's 8, but it is tainted: the request waits for the default node
    expect(ask({ type: 'allocate', requirements: req({ cpu: 1 }) })).toMatchObject({ type: 'queued' });
    ask({ type: 'node_add', node: { id: 'preferred-not', capacity: req({ cpu: 8 }), taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] } });
    // PreferNoSchedule ranks a node last, but it is still used when nothing else fits
    expect(ask({ type: 'nodes' })['nodes']).toMatchObject([{ node_id: 'default' }, { node_id: 'tainted', allocated: { cpu: 0 } }, { node_id: 'preferred-not', allocated: { cpu: 1 } }]);
  });
});

describe('node_remove', () => {
  it('removes an empty node: node_removed, nothing re-queued', () => {
    const { ask } = seedNode(TWO_NODES);
    expect(ask({ type: 'node_remove', node_id: 'b' })).toEqual({
      type: 'node_removed',
      msg_id: 1,
      in_reply_to: 1,
      node: { node_id: 'b', status: 'ready', capacity: { cpu: 4 }, allocated: { cpu: 0 }, available: { cpu: 4 }, labels: {} },
      requeued_jobs: [],
    });
    expect((ask({ type: 'nodes' })['nodes'] as Body[]).map((n) => n['node_id'])).toEqual(['a']);
  });

  it('without force, a node with running work is refused with NODE_NOT_EMPTY, and nothing changes', () => {
    const { ask, manager } = seedNode(TWO_NODES);
    ask({ type: 'allocate', requirements: req({ cpu: 3 }) }); // on a (ties go to node order)
    const before = books(manager, ask);
    const reply = ask({ type: 'node_remove', node_id: 'a' });
    expect(reply).toMatchObject({ type: 'error', code: 'NODE_NOT_EMPTY' });
    // expected, got, what to do — in the wire's terms
    expect(reply['text']).toBe(
      'Expected node "a" to hold no allocations before node_remove, got 1. Release them, or set the node "draining" (node_status) and remove it once they end, or send "force": true to put their jobs back in the queue (their senders hear `allocated` again when they restart). Nothing was changed.',
    );
    expect(books(manager, ask)).toBe(before);
    expect(ask({ type: 'node_remove', node_id: 'a', force: false })).toMatchObject({ type: 'error', code: 'NODE_NOT_EMPTY' });
  });

  it('with force, re-queues the jobs on it; one that fits elsewhere starts at once, announced again', () => {
    const { send, ask, manager } = seedNode(TWO_NODES);
    const first = ask({ type: 'allocate', requirements: req({ cpu: 3 }) }); // job on a: a 3/4, b 0/4
    const jobId = manager.allocations()[0]?.jobId;
    const out = send({ type: 'node_remove', node_id: 'a', force: true });
    expect(shape(out)).toEqual([
      ['node_removed', 2],
      ['allocated', 1], // the job of msg 1 restarted on b (cpu 3 of its 4), with a new allocation
    ]);
    // the node as removed: its allocation gone with it
    expect(out[0]?.body).toMatchObject({ node: { node_id: 'a', allocated: { cpu: 0 }, available: { cpu: 4 } }, requeued_jobs: [jobId] });
    expect(out[1]?.body).toMatchObject({ resources: { cpu: 3 } });
    expect(out[1]?.body.type === 'allocated' && out[1].body.allocation_id).not.toBe(first['allocation_id']);
    expect(manager.allocations().map((a) => a.placements[0]?.nodeId)).toEqual(['b']);
    // the old allocation is gone: releasing it is refused, the new one releases
    expect(ask({ type: 'release', allocation_id: first['allocation_id'] })).toMatchObject({ type: 'error', code: 'ALREADY_RELEASED' });
    expect(ask({ type: 'release', allocation_id: out[1]?.body.type === 'allocated' ? out[1].body.allocation_id : '' })).toMatchObject({ type: 'released', resources_freed: { cpu: 3 } });
  });

  it('a re-queued job with no room anywhere waits, tracked, and is announced when a node comes', () => {
    const sent: ProtocolEnvelope[] = [];
    const { send, ask, manager, handler } = seedNode(TWO_NODES, { send: (message) => sent.push(message) });
    ask({ type: 'allocate', requirements: req({ cpu: 3 }) }, 'c1'); // msg 1: on a
    ask({ type: 'allocate', requirements: req({ cpu: 3 }) }, 'c2'); // msg 2: on b, 1 cpu left there
    const onA = manager.allocations().find((a) => a.placements[0]?.nodeId === 'a');
    const out = send({ type: 'node_remove', node_id: 'a', force: true });
    // cpu 3 does not fit in b's 1: the job waits, first in line — no `allocated` yet
    expect(shape(out)).toEqual([['node_removed', 3]]);
    expect(out[0]?.body).toMatchObject({ requeued_jobs: [onA?.jobId] });
    expect(manager.job(onA?.jobId as string)).toMatchObject({ status: 'queued', restarts: 1 });
    expect(ask({ type: 'queues' })).toMatchObject({ queues: [{ tenant: 'c1', length: 1, head_job_id: onA?.jobId }], parked: 0 });
    // the handler still answers for it: it is in its books, in the manager, as before it started
    expect(handler.snapshot().jobs).toContainEqual(expect.objectContaining({ id: onA?.jobId, place: 'manager', announce: true, origin: { client: 'c1', node: 'n1', msgId: 1 } }));
    // a node comes: the job starts there, and c1 hears it in reply to its msg 1
    const later = send({ type: 'node_add', node: { id: 'c', capacity: req({ cpu: 4 }) } }, 'admin');
    expect(later.map((m) => [m.dest, m.body.type, m.body.in_reply_to])).toEqual([
      ['admin', 'node_added', 5],
      ['c1', 'allocated', 1],
    ]);
    expect(later[1]?.body).toMatchObject({ resources: { cpu: 3 } });
    expect(manager.job(onA?.jobId as string)).toMatchObject({ status: 'running' });
    expect(sent).toEqual([]); // all of it came with the answers, none outside them
  });

  it('the same job can be displaced again and is announced again each time', () => {
    const { send, ask } = seedNode({ nodes: [{ id: 'a', capacity: { cpu: 4 } }] });
    ask({ type: 'allocate', requirements: req({ cpu: 3 }) }); // msg 1 on a
    expect(shape(send({ type: 'node_add', node: { id: 'b', capacity: req({ cpu: 4 }) } }))).toEqual([['node_added', 2]]);
    expect(shape(send({ type: 'node_remove', node_id: 'a', force: true }))).toEqual([
      ['node_removed', 3],
      ['allocated', 1], // now on b
    ]);
    expect(shape(send({ type: 'node_add', node: { id: 'c', capacity: req({ cpu: 4 }) } }))).toEqual([['node_added', 4]]);
    expect(shape(send({ type: 'node_remove', node_id: 'b', force: true }))).toEqual([
      ['node_removed', 5],
      ['allocated', 1], // now on c: the client learns each new allocation id
    ]);
  });
});

describe('node_status', () => {
  it('draining: the node keeps its jobs and takes no new ones', () => {
    const { ask } = seedNode(TWO_NODES);
    ask({ type: 'allocate', requirements: req({ cpu: 1 }) }); // on a (best fit: a and b tie, node order)
    expect(ask({ type: 'node_status', node_id: 'a', status: 'draining' })).toEqual({
      type: 'node_status_set',
      msg_id: 2,
      in_reply_to: 2,
      node: { node_id: 'a', status: 'draining', capacity: { cpu: 4 }, allocated: { cpu: 1 }, available: { cpu: 3 }, labels: {} },
      requeued_jobs: [],
    });
    // a has cpu 3 free but is draining: the next job goes to b
    ask({ type: 'allocate', requirements: req({ cpu: 1 }) });
    expect(ask({ type: 'nodes' })['nodes']).toMatchObject([{ node_id: 'a', allocated: { cpu: 1 } }, { node_id: 'b', allocated: { cpu: 1 } }]);
  });

  it('offline: the node\'s jobs are re-queued and restart elsewhere, announced; the reply shows it empty', () => {
    const { send, ask, manager } = seedNode(TWO_NODES);
    ask({ type: 'allocate', requirements: req({ cpu: 3 }) }); // msg 1 on a
    const jobId = manager.allocations()[0]?.jobId;
    const out = send({ type: 'node_status', node_id: 'a', status: 'offline' });
    expect(shape(out)).toEqual([
      ['node_status_set', 2],
      ['allocated', 1], // restarted on b
    ]);
    // the node now: offline, its allocation taken back (not as it was the moment its status changed)
    expect(out[0]?.body).toMatchObject({ node: { node_id: 'a', status: 'offline', allocated: { cpu: 0 }, available: { cpu: 4 } }, requeued_jobs: [jobId] });
    expect(manager.allocations().map((a) => a.placements[0]?.nodeId)).toEqual(['b']);
  });

  it('submit_job jobs: the category counts follow a job out of its node and back', () => {
    const { send, ask } = seedNode(TWO_NODES);
    // two jobs of cpu 3 under a limit of 2: one on a, one on b
    expect(ask({ type: 'submit_job', category: 'etl', concurrency_limit: 2, jobs: 2, requirements: req({ cpu: 3 }) })).toMatchObject({ running: 2, waiting: 0 });
    // a goes offline: its job waits (b has 1 cpu free), so the category has 1 running, 1 waiting
    expect(shape(send({ type: 'node_status', node_id: 'a', status: 'offline' }))).toEqual([['node_status_set', 2]]);
    expect(ask({ type: 'queues' })['categories']).toEqual({ etl: { limit: 2, running: 1, waiting: 1 } });
    // a is back: the job starts there, announced in reply to the submit_job (msg 1)
    const back = send({ type: 'node_status', node_id: 'a', status: 'ready' });
    expect(shape(back)).toEqual([
      ['node_status_set', 4],
      ['allocated', 1],
    ]);
    // the reply shows a once the message took effect: the restarted job's cpu 3 of its 4 in use
    expect(back[0]?.body).toMatchObject({ node: { node_id: 'a', status: 'ready', allocated: { cpu: 3 }, available: { cpu: 1 } }, requeued_jobs: [] });
    expect(ask({ type: 'queues' })['categories']).toEqual({ etl: { limit: 2, running: 2, waiting: 0 } });
  });
});

describe('heartbeat', () => {
  /** Nodes a and b, heartbeats timing out after 1000 ms, on a clock the test moves. */
  function watched() {
    const clock = { now: 0 };
    const node = seedNode({ ...TWO_NODES, heartbeat: { timeoutMs: 1000 }, now: () => clock.now, timers: false });
    return { ...node, clock };
  }

  it('answers heartbeat_ok with the node', () => {
    const { ask } = watched();
    expect(ask({ type: 'heartbeat', node_id: 'a' })).toEqual({
      type: 'heartbeat_ok',
      msg_id: 1,
      in_reply_to: 1,
      node: { node_id: 'a', status: 'ready', capacity: { cpu: 4 }, allocated: { cpu: 0 }, available: { cpu: 4 }, labels: {} },
    });
  });

  it('a silent node goes offline at a tick, its job restarts elsewhere (announced); its heartbeat brings it back', () => {
    const { send, ask, manager, clock } = watched();
    ask({ type: 'allocate', requirements: req({ cpu: 3 }) }); // msg 1 on a, at t 0
    clock.now = 600;
    expect(ask({ type: 'heartbeat', node_id: 'b' })).toMatchObject({ type: 'heartbeat_ok', node: { node_id: 'b', status: 'ready' } }); // b: deadline 1600
    clock.now = 1200;
    manager.tick(); // a's deadline was 1000: offline, its job re-queued and started on b
    const out = send({ type: 'heartbeat', node_id: 'a' });
    // the news that arose outside handle() comes first, then the reply
    expect(shape(out)).toEqual([
      ['allocated', 1],
      ['heartbeat_ok', 3],
    ]);
    expect(out[1]?.body).toMatchObject({ node: { node_id: 'a', status: 'ready', allocated: { cpu: 0 }, available: { cpu: 4 } } });
    expect(manager.allocations().map((a) => a.placements[0]?.nodeId)).toEqual(['b']);
  });

  it('a node set offline by hand stays offline on a heartbeat', () => {
    const { ask } = watched();
    ask({ type: 'node_status', node_id: 'a', status: 'offline' });
    expect(ask({ type: 'heartbeat', node_id: 'a' })).toMatchObject({ type: 'heartbeat_ok', node: { node_id: 'a', status: 'offline' } });
  });

  it('HEARTBEATS_OFF on a manager built without the heartbeat option, whatever the node', () => {
    const { ask, manager } = seedNode(TWO_NODES);
    const before = books(manager, ask);
    for (const nodeId of ['a', 'nope']) {
      const reply = ask({ type: 'heartbeat', node_id: nodeId });
      expect(reply).toMatchObject({ type: 'error', code: 'HEARTBEATS_OFF' });
      expect(reply['text']).toBe(
        `Expected a scheduler that watches node liveness, got a heartbeat for node "${nodeId}", but heartbeats are off here (its manager was built without the \`heartbeat: { timeoutMs }\` option). Stop sending heartbeats, or run the scheduler with heartbeats on. Nothing was changed.`,
      );
    }
    expect(books(manager, ask)).toBe(before);
  });

  it('UNKNOWN_NODE for a node the manager does not have', () => {
    const { ask } = watched();
    expect(ask({ type: 'heartbeat', node_id: 'c' })).toMatchObject({
      type: 'error',
      code: 'UNKNOWN_NODE',
      text: 'Expected `node_id` of heartbeat to name a node of this scheduler, got "c". Known nodes: "a", "b". Add it with node_add first, or ask for the list with nodes. Nothing was changed.',
    });
  });
});

describe('refusals: an error with a stable code, and nothing changes', () => {
  const cases: [string, Body, string][] = [
    // node_add: the message's shape
    ['node_add without a node', { type: 'node_add' }, 'INVALID_MESSAGE'],
    ['node_add with a node that is a string', { type: 'node_add', node: 'n2' }, 'INVALID_MESSAGE'],
    ['node_add with a node that is an array', { type: 'node_add', node: [{ id: 'n2' }] }, 'INVALID_MESSAGE'],
    ['node_add with null', { type: 'node_add', node: null }, 'INVALID_MESSAGE'],
    ['node_add with an unknown body field', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }) }, force: true }, 'INVALID_MESSAGE'],
    ['node_add with an unknown node field', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), costPerHour: 1 } }, 'INVALID_MESSAGE'],
    // node_add: the node's content
    ['node_add without an id', { type: 'node_add', node: { capacity: req({ cpu: 1 }) } }, 'INVALID_NODE'],
    ['node_add with an empty id', { type: 'node_add', node: { id: '', capacity: req({ cpu: 1 }) } }, 'INVALID_NODE'],
    ['node_add with a numeric id', { type: 'node_add', node: { id: 7, capacity: req({ cpu: 1 }) } }, 'INVALID_NODE'],
    ['node_add of an id taken', { type: 'node_add', node: { id: 'a', capacity: req({ cpu: 1 }) } }, 'DUPLICATE_NODE'],
    ['node_add without capacity', { type: 'node_add', node: { id: 'n2' } }, 'INVALID_RESOURCES'],
    ['node_add with capacity as an object', { type: 'node_add', node: { id: 'n2', capacity: { cpu: 1 } } }, 'INVALID_RESOURCES'],
    ['node_add with a negative capacity', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: -1 }) } }, 'INVALID_RESOURCES'],
    ['node_add with too many decimals', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 0.0001 }) } }, 'INVALID_RESOURCES'],
    ['node_add with a reserved dimension', { type: 'node_add', node: { id: 'n2', capacity: [{ type: '__proto__', amount: 1 }] } }, 'INVALID_RESOURCES'],
    ['node_add with a dimension twice', { type: 'node_add', node: { id: 'n2', capacity: [...req({ cpu: 1 }), ...req({ cpu: 1 })] } }, 'INVALID_RESOURCES'],
    ['node_add with a label that is not a string', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), labels: { zone: 3 } } }, 'INVALID_NODE'],
    ['node_add with labels as an array', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), labels: ['zone'] } }, 'INVALID_NODE'],
    ['node_add with a bad taint effect', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), taints: [{ key: 'k', effect: 'NoExecute' }] } }, 'INVALID_NODE'],
    ['node_add with an unknown taint field', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), taints: [{ key: 'k', effect: 'NoSchedule', efect: 1 }] } }, 'INVALID_NODE'],
    ['node_add with a bad status', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), status: 'up' } }, 'INVALID_NODE'],
    ['node_add with a negative cost', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), cost_per_hour: -1 } }, 'INVALID_NODE'],
    ['node_add with a cost as text', { type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), cost_per_hour: '2' } }, 'INVALID_NODE'],
    // node_remove
    ['node_remove without node_id', { type: 'node_remove' }, 'INVALID_MESSAGE'],
    ['node_remove with an empty node_id', { type: 'node_remove', node_id: '' }, 'INVALID_MESSAGE'],
    ['node_remove with a numeric node_id', { type: 'node_remove', node_id: 1 }, 'INVALID_MESSAGE'],
    ['node_remove with force as text', { type: 'node_remove', node_id: 'b', force: 'yes' }, 'INVALID_MESSAGE'],
    ['node_remove with an unknown field', { type: 'node_remove', node_id: 'b', forced: true }, 'INVALID_MESSAGE'],
    ['node_remove of an unknown node', { type: 'node_remove', node_id: 'z' }, 'UNKNOWN_NODE'],
    ['node_remove of a node with work', { type: 'node_remove', node_id: 'a' }, 'NODE_NOT_EMPTY'],
    // node_status
    ['node_status without status', { type: 'node_status', node_id: 'a' }, 'INVALID_MESSAGE'],
    ['node_status with an unknown status', { type: 'node_status', node_id: 'a', status: 'up' }, 'INVALID_MESSAGE'],
    ['node_status with a status in capitals', { type: 'node_status', node_id: 'a', status: 'Ready' }, 'INVALID_MESSAGE'],
    ['node_status with a status that is not a string', { type: 'node_status', node_id: 'a', status: ['offline'] }, 'INVALID_MESSAGE'],
    ['node_status without node_id', { type: 'node_status', status: 'ready' }, 'INVALID_MESSAGE'],
    ['node_status of an unknown node', { type: 'node_status', node_id: 'z', status: 'offline' }, 'UNKNOWN_NODE'],
    ['node_status with an unknown field', { type: 'node_status', node_id: 'a', status: 'ready', reason: 'x' }, 'INVALID_MESSAGE'],
    // heartbeat (this manager watches liveness: the other refusals come first)
    ['heartbeat without node_id', { type: 'heartbeat' }, 'INVALID_MESSAGE'],
    ['heartbeat with a node_id that is an object', { type: 'heartbeat', node_id: { id: 'a' } }, 'INVALID_MESSAGE'],
    ['heartbeat with an unknown field', { type: 'heartbeat', node_id: 'a', at: 5 }, 'INVALID_MESSAGE'],
    ['heartbeat of an unknown node', { type: 'heartbeat', node_id: 'z' }, 'UNKNOWN_NODE'],
    // names of Object.prototype members are just ids: unknown here
    ['node_remove of "__proto__"', { type: 'node_remove', node_id: '__proto__' }, 'UNKNOWN_NODE'],
    ['node_status of "constructor"', { type: 'node_status', node_id: 'constructor', status: 'offline' }, 'UNKNOWN_NODE'],
    ['heartbeat of "toString"', { type: 'heartbeat', node_id: 'toString' }, 'UNKNOWN_NODE'],
  ];
  for (const [name, body, code] of cases) {
    it(`${name} → ${code}`, () => {
      const { ask, manager } = seedNode({ ...TWO_NODES, heartbeat: { timeoutMs: 1000 }, timers: false });
      ask({ type: 'allocate', requirements: req({ cpu: 3 }) }); // on a
      ask({ type: 'allocate', requirements: req({ cpu: 9 }) }); // parked: no node holds 9
      const before = books(manager, ask);
      const reply = ask(body);
      expect(reply).toMatchObject({ type: 'error', in_reply_to: expect.any(Number), code, text: expect.any(String) });
      expect(books(manager, ask)).toBe(before);
    });
  }

  it('the texts say what was expected, what came, and what to do', () => {
    const { ask } = seedNode(TWO_NODES);
    const text = (body: Body) => ask(body)['text'];
    expect(text({ type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), costPerHour: 1 } })).toBe(
      'Unknown node field `costPerHour`. Did you mean `cost_per_hour`? Accepted: id, capacity, labels, taints, status, cost_per_hour.',
    );
    expect(text({ type: 'node_add', node: 'n2' })).toBe('Expected `node` of node_add to be an object {"id", "capacity", "labels"?, "taints"?, "status"?, "cost_per_hour"?}, got "n2" (string).');
    expect(text({ type: 'node_add', node: { id: '', capacity: [] } })).toBe('Expected `node.id` of node_add to be a non-empty string, got "" (string). Give every node a unique id.');
    expect(text({ type: 'node_add', node: { id: 'n2', capacity: { cpu: 1 } } })).toBe('Expected `capacity` of node "n2" to be an array of { "type": name, "amount": number }, got an object.');
    expect(text({ type: 'node_add', node: { id: 'n2', capacity: [], cost_per_hour: -1 } })).toBe('Expected `cost_per_hour` of node "n2" to be a finite number >= 0, got -1 (number). Leave it out if the node has no cost.');
    expect(text({ type: 'node_status', node_id: 'a', status: 'up' })).toBe('Expected `status` of node_status to be "ready", "draining" or "offline", got "up" (string).');
    expect(text({ type: 'node_remove', node_id: 'a', force: 1 })).toBe('Expected `force` of node_remove to be true or false, got 1 (number).');
    expect(text({ type: 'node_remove', node_id: 'z' })).toBe('Expected `node_id` of node_remove to name a node of this scheduler, got "z". Known nodes: "a", "b". Add it with node_add first, or ask for the list with nodes. Nothing was changed.');
    expect(text({ type: 'node_remv', node_id: 'a' })).toContain('Did you mean "node_remove"?');
  });

  it('a long unknown id is cut short in the text, and the list of known nodes too', () => {
    const { ask } = seedNode({ nodes: Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, capacity: { cpu: 1 } })) });
    const text = ask({ type: 'node_status', node_id: 'x'.repeat(10_000), status: 'ready' })['text'] as string;
    expect(text).toContain(`got "${'x'.repeat(57)}...".`);
    expect(text).toContain('Known nodes: "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9" and 2 more.');
    expect(text.length).toBeLessThan(400);
  });
});

describe('hostile ids and names are just data', () => {
  it('a node named "__proto__", with labels named like Object.prototype members, over the wire', () => {
    const { handler, manager } = seedNode();
    const line = (body: object) => handler.handleLine(JSON.stringify({ src: 'c1', dest: 'n1', body }).replace('"LABELS"', '{"__proto__":"x","constructor":"y","toString":"z"}')).map((text) => JSON.parse(text) as ProtocolEnvelope);
    const [added] = line({ type: 'node_add', msg_id: 1, node: { id: '__proto__', capacity: [{ type: 'cpu', amount: 2 }], labels: 'LABELS' } });
    expect(added?.body).toMatchObject({ type: 'node_added', node: { node_id: '__proto__', capacity: { cpu: 2 } } });
    const labels = (added?.body as unknown as { node: { labels: object } }).node.labels;
    expect(Object.keys(labels)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype); // a key, not a prototype
    expect(manager.nodes().map((n) => n.id)).toEqual(['default', '__proto__']);
    expect(line({ type: 'node_status', msg_id: 2, node_id: '__proto__', status: 'draining' })[0]?.body).toMatchObject({ type: 'node_status_set', node: { node_id: '__proto__', status: 'draining' } });
    expect(line({ type: 'node_remove', msg_id: 3, node_id: '__proto__' })[0]?.body).toMatchObject({ type: 'node_removed', node: { node_id: '__proto__' } });
    expect(manager.nodes().map((n) => n.id)).toEqual(['default']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('a message object whose node has an own "__proto__" key is refused as an unknown field, not read through', () => {
    const { handler, manager } = seedNode();
    const node = JSON.parse('{"id":"n2","capacity":[{"type":"cpu","amount":1}],"__proto__":{"status":"offline"}}') as object;
    const [reply] = handler.handle({ src: 'c1', body: { type: 'node_add', msg_id: 1, node } });
    expect(reply?.body).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE', text: expect.stringContaining('Unknown node field `__proto__`') as unknown });
    expect(manager.nodes()).toHaveLength(1);
  });
});

describe('snapshot and restore', () => {
  it('a job re-queued by a removal is in the snapshot; the restored handler announces its restart', () => {
    const clock = { now: 0 };
    const manager = new AllocationManager({ ...TWO_NODES, now: () => clock.now, timers: false });
    const handler = new ProtocolHandler(manager);
    const line = (h: ProtocolHandler, body: object) => h.handleLine(JSON.stringify({ src: 'c1', dest: 'n1', body })).map((text) => (JSON.parse(text) as ProtocolEnvelope).body);
    line(handler, { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 3 }] }); // on a
    line(handler, { type: 'allocate', msg_id: 2, requirements: [{ type: 'cpu', amount: 3 }] }); // on b
    expect(line(handler, { type: 'node_remove', msg_id: 3, node_id: 'a', force: true }).map((b) => b.type)).toEqual(['node_removed']); // the job of msg 1 waits
    const saved = JSON.parse(JSON.stringify({ manager: manager.snapshot(), protocol: handler.snapshot() })) as { manager: ManagerSnapshot; protocol: ProtocolHandlerSnapshot };
    const restoredManager = AllocationManager.restore(saved.manager, { now: () => clock.now, timers: false });
    const restored = ProtocolHandler.restore(restoredManager, saved.protocol);
    const add = { type: 'node_add', msg_id: 4, node: { id: 'c', capacity: [{ type: 'cpu', amount: 4 }] } };
    const original = line(handler, add);
    expect(original.map((b) => [b.type, b.in_reply_to])).toEqual([
      ['node_added', 4],
      ['allocated', 1],
    ]);
    expect(line(restored, add)).toEqual(original); // the same msg_ids and allocation id
  });
});

describe('reply types', () => {
  it('each node message has its own reply type', () => {
    const { ask } = seedNode({ ...TWO_NODES, heartbeat: { timeoutMs: 1000 }, timers: false });
    const types = [
      { type: 'node_add', node: { id: 'c', capacity: req({ cpu: 1 }) } },
      { type: 'node_status', node_id: 'c', status: 'draining' },
      { type: 'heartbeat', node_id: 'c' },
      { type: 'node_remove', node_id: 'c' },
    ].map((body) => ask(body)['type']);
    expect(types).toEqual(['node_added', 'node_status_set', 'heartbeat_ok', 'node_removed']);
  });
});
