import { AllocationManager, type ProtocolEnvelope, type ProtocolErrorCode, ProtocolHandler, type ProtocolHandlerSnapshot, type ProtocolJobSnapshot, type ProtocolReplyBody, type ProtocolRequestType, type Resources } from 'fairpack';
import { describe, expectTypeOf, it } from 'vitest';

describe('ProtocolHandler types', () => {
  it('answers are envelopes whose bodies narrow on `type`', () => {
    const handler = new ProtocolHandler(new AllocationManager({ capacity: { cpu: 1 } }), { precision: 3, send: (message) => expectTypeOf(message).toEqualTypeOf<ProtocolEnvelope>() });
    const [reply] = handler.handle({ body: { type: 'capacity', msg_id: 1 } });
    expectTypeOf(reply).toEqualTypeOf<ProtocolEnvelope | undefined>();
    expectTypeOf(handler.handleLine('{}')).toEqualTypeOf<string[]>();
    const body = reply?.body as ProtocolReplyBody;
    expectTypeOf(body.msg_id).toEqualTypeOf<number>();
    if (body.type === 'queued') expectTypeOf(body.required).toEqualTypeOf<number | Resources>();
    if (body.type === 'jobs_submitted') expectTypeOf(body.allocation_ids).toEqualTypeOf<readonly string[]>();
    if (body.type === 'error') expectTypeOf(body.code).toEqualTypeOf<string>();
    expectTypeOf<'MALFORMED_JSON'>().toExtend<ProtocolErrorCode>();
    expectTypeOf<'submit_job'>().toExtend<ProtocolRequestType>();
    expectTypeOf<'node_add' | 'node_remove' | 'node_status' | 'heartbeat'>().toExtend<ProtocolRequestType>();
    if (body.type === 'node_removed' || body.type === 'node_status_set') expectTypeOf(body.requeued_jobs).toEqualTypeOf<readonly string[]>();
    if (body.type === 'node_added' || body.type === 'heartbeat_ok') expectTypeOf(body.node.node_id).toEqualTypeOf<string>();
  });

  it('refuses misuse at compile time', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 } });
    // @ts-expect-error the handler wraps a manager, not options
    new ProtocolHandler({ capacity: { cpu: 1 } });
    // @ts-expect-error unknown option
    new ProtocolHandler(manager, { colour: 'blue' });
  });

  it('snapshot() gives plain data that restore() takes back, with a send of its own', () => {
    const manager = new AllocationManager({ capacity: { cpu: 1 } });
    const snapshot = new ProtocolHandler(manager).snapshot();
    expectTypeOf(snapshot).toEqualTypeOf<ProtocolHandlerSnapshot>();
    expectTypeOf(snapshot.jobs).toEqualTypeOf<readonly ProtocolJobSnapshot[]>();
    expectTypeOf(snapshot.nextMsgId).toEqualTypeOf<number>();
    expectTypeOf(ProtocolHandler.restore(manager, JSON.parse('{}') as unknown, { send: () => undefined })).toEqualTypeOf<ProtocolHandler>();
    // @ts-expect-error settings come from the snapshot: only `send` is an option
    ProtocolHandler.restore(manager, snapshot, { maxParked: 3 });
  });
});
