import { AllocationManager, ProtocolHandler } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { refused } from '../support.js';
import { type Body, req, seedNode } from './helpers.js';

/*
 * Every request type refuses the fields it does not know, with an `error` reply of the protocol's
 * code for malformed messages (INVALID_MESSAGE) that suggests the closest field; the message
 * changes nothing. `{"type":"allocate","priorty":"high"}` used to run at the default priority.
 */

/** The node's books, as a client can read them. */
function books(ask: (body: Body) => Body): unknown {
  const strip = (body: Body) => {
    const { msg_id: _id, in_reply_to: _reply, ...rest } = body;
    return rest;
  };
  return ['capacity', 'allocations', 'queues', 'nodes'].map((type) => strip(ask({ type })));
}

describe('unknown body fields', () => {
  it.each([
    // [request, the unknown field, the suggestion]
    [{ type: 'init', node_id: 'n1', nodeids: ['n1'] }, 'nodeids', 'node_ids'],
    [{ type: 'allocate', requirements: req({ cpu: 1 }), priorty: 'high' }, 'priorty', 'priority'],
    [{ type: 'allocate', requirement: req({ cpu: 1 }) }, 'requirement', 'requirements'],
    [{ type: 'release', allocation_id: 'a', status: 'failed' }, 'status', 'job_status'], // 4 edits of 10: close enough
    [{ type: 'release', allocationId: 'a' }, 'allocationId', 'allocation_id'],
    [{ type: 'submit_job', category: 'c', concurrencyLimit: 2 }, 'concurrencyLimit', 'concurrency_limit'],
    [{ type: 'submit_job', category: 'c', job: 3 }, 'job', 'jobs'],
    [{ type: 'cancel', jobid: 'x' }, 'jobid', 'job_id'],
    [{ type: 'capacity', node: 'n1' }, 'node', undefined],
    [{ type: 'allocations', tennant: 'c1' }, 'tennant', 'tenant'],
    [{ type: 'queues', verbose: true }, 'verbose', undefined],
    [{ type: 'nodes', msgid: 3 }, 'msgid', 'msg_id'],
    [{ type: 'node_add', nodes: { id: 'n2', capacity: req({ cpu: 1 }) } }, 'nodes', 'node'],
    [{ type: 'node_remove', node_id: 'default', froce: true }, 'froce', 'force'],
    [{ type: 'node_status', nodeId: 'default', status: 'draining' }, 'nodeId', 'node_id'],
    [{ type: 'heartbeat', node_id: 'default', ttl: 5 }, 'ttl', undefined],
  ] as const)('%o → error naming `%s`', (request, field, suggestion) => {
    const { ask } = seedNode();
    ask({ type: 'allocate', requirements: req({ cpu: 2 }) });
    ask({ type: 'submit_job', category: 'c', concurrency_limit: 0, jobs: 1 });
    const before = books(ask);
    const reply = ask(request);
    expect(reply).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    const text = reply['text'] as string;
    expect(text).toContain(`Unknown ${request.type} field \`${field}\`.`);
    expect(text).toContain(suggestion === undefined ? 'Remove it or fix its name.' : `Did you mean \`${suggestion}\`?`);
    expect(text).toMatch(/Accepted: type, msg_id/);
    expect(books(ask)).toEqual(before);
  });

  it('a submit_job with a typo creates no job and sets no limit', () => {
    const { ask } = seedNode();
    expect(ask({ type: 'submit_job', category: 'heavy', concurrency_limt: 0, jobs: 3 })).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    expect(ask({ type: 'queues' })).toMatchObject({ categories: {}, queues: [] });
  });

  it('an unknown message type gets the closest type', () => {
    const { ask } = seedNode();
    expect(ask({ type: 'alocate' })).toMatchObject({ type: 'error', code: 'UNKNOWN_MESSAGE_TYPE', text: expect.stringContaining('Unknown message type "alocate". Did you mean "allocate"?') as unknown });
  });

  it('every accepted field still works', () => {
    const { ask } = seedNode();
    expect(ask({ type: 'init', node_id: 'n1', node_ids: ['n1'] })).toMatchObject({ type: 'init_ok' });
    const allocated = ask({ type: 'allocate', requirements: req({ cpu: 1 }), priority: 'high', tenant: 't' });
    expect(allocated).toMatchObject({ type: 'allocated' });
    expect(ask({ type: 'allocations', tenant: 't' })).toMatchObject({ allocations: [{ tenant: 't', priority: 'high' }] });
    expect(ask({ type: 'release', allocation_id: allocated['allocation_id'], job_status: 'failed' })).toMatchObject({ type: 'released' });
    const submitted = ask({ type: 'submit_job', category: 'c', jobs: 2, concurrency_limit: 1, requirements: req({ cpu: 1 }), tenant: 't' });
    expect(submitted).toMatchObject({ type: 'jobs_submitted', running: 1, waiting: 1 });
    expect(ask({ type: 'cancel', job_id: (submitted['job_ids'] as string[])[1] })).toMatchObject({ type: 'cancelled', status: 'cancelled' });
    expect(ask({ type: 'node_add', node: { id: 'n2', capacity: req({ cpu: 1 }), labels: { zone: 'a' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], status: 'draining', cost_per_hour: 1 } })).toMatchObject({ type: 'node_added' });
    expect(ask({ type: 'node_status', node_id: 'n2', status: 'offline' })).toMatchObject({ type: 'node_status_set' });
    expect(ask({ type: 'node_remove', node_id: 'n2', force: false })).toMatchObject({ type: 'node_removed' });
  });
});

describe('unknown envelope fields', () => {
  it('are refused with in_reply_to when the msg_id is usable', () => {
    const { handler } = seedNode();
    const [reply] = handler.handle({ src: 'c1', dest: 'n1', bdy: {}, body: { type: 'allocate', msg_id: 4, requirements: req({ cpu: 1 }) } });
    expect(reply?.body).toMatchObject({ type: 'error', in_reply_to: 4, code: 'INVALID_MESSAGE', text: expect.stringContaining('Unknown message field `bdy`. Did you mean `body`? Accepted: src, dest, body, id.') as unknown });
    expect(handler.handle({ src: 'c1', body: { type: 'allocations', msg_id: 5 } })[0]?.body).toMatchObject({ allocations: [] });
  });

  it('accept Maelstrom\'s `id`, which its network stamps on every message', () => {
    const { handler } = seedNode();
    const line = '{"id":0,"src":"c0","dest":"n0","body":{"type":"init","node_id":"n0","node_ids":["n0"],"msg_id":1}}';
    expect(JSON.parse(handler.handleLine(line)[0] as string)).toMatchObject({ src: 'n0', dest: 'c0', body: { type: 'init_ok', in_reply_to: 1 } });
  });

  it('a reply is never answered, whatever its fields', () => {
    const { handler } = seedNode();
    expect(handler.handle({ src: 'c1', extra: 1, body: { type: 'allocated', in_reply_to: 1, odd: true } })).toEqual([]);
  });
});

describe('options', () => {
  it('an unknown ProtocolHandler option gets the closest one', () => {
    const error = refused(() => new ProtocolHandler(new AllocationManager({ capacity: { cpu: 1 } }), { maxLineLenght: 5 } as never));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe('Unknown ProtocolHandler option `maxLineLenght`. Did you mean `maxLineLength`? Accepted: precision, nodeId, maxLineLength, maxJobsPerMessage, maxParked, maxCategories, send.');
  });
});
