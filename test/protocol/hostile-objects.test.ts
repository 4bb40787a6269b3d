import { AllocationManager, ProtocolHandler, isFairpackError } from 'fairpack';
import { describe, expect, it } from 'vitest';
import { seedNode } from './helpers.js';

/*
 * Regression tests for what the protocol fuzzer (test/fuzz/protocol.test.ts) found: `handle()`
 * takes objects from an embedding transport, and such an object may run code of the caller's when
 * read. `handle()` never throws and changes nothing for a message it cannot read.
 */

class Boom extends Error {}

function withGetter<T extends object>(target: T, key: string): T {
  Object.defineProperty(target, key, {
    enumerable: true,
    get() {
      throw new Boom(key);
    },
  });
  return target;
}

const trap = (): never => {
  throw new Boom('trap');
};
const throwingProxy = (): object => new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });

describe('handle(): objects that throw when read', () => {
  it('a getter that throws, anywhere in the message, is one INVALID_MESSAGE error, and nothing changes', () => {
    // before: a getter on the envelope (src, dest, body, msg_id) escaped handle(), which never
    // throws; one deeper in the body (tenant, requirements …) came back as INTERNAL_ERROR
    const messages = [
      withGetter({ dest: 'n1', body: { type: 'capacity', msg_id: 1 } }, 'src'),
      withGetter({ src: 'c1' }, 'body'),
      { src: 'c1', body: withGetter({ type: 'allocate' }, 'msg_id') },
      { src: 'c1', body: withGetter({ type: 'allocate', msg_id: 2, requirements: [{ type: 'cpu', amount: 1 }] }, 'tenant') },
      { src: 'c1', body: { type: 'allocate', msg_id: 3, requirements: [withGetter({ type: 'cpu' }, 'amount')] } },
    ];
    for (const message of messages) {
      const { handler, manager } = seedNode();
      const out = handler.handle(message);
      expect(out.map((m) => m.body)).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_MESSAGE', text: expect.stringContaining('plain data') as unknown })]);
      expect(manager.jobs()).toEqual([]);
    }
  });

  it('a Proxy whose traps throw — as the message, the body or a field — is INVALID_MESSAGE', () => {
    const { handler } = seedNode();
    for (const message of [throwingProxy(), { src: 'c1', body: throwingProxy() }, { src: 'c1', body: { type: 'allocate', msg_id: 1, requirements: throwingProxy() } }]) {
      expect(handler.handle(message).map((m) => m.body.type === 'error' && m.body.code)).toEqual(['INVALID_MESSAGE']);
    }
  });

  it('a message nested deeper than 32 levels is refused without walking it all', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const { handler } = seedNode();
    const [reply] = handler.handle({ src: 'c1', body: { type: 'capacity', msg_id: 1, extra: deep } });
    expect(reply?.body).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
  });

  it('plain objects with any values still get their usual answers (functions are refused as objects)', () => {
    const { handler } = seedNode();
    expect(handler.handle({ src: 'c1', body: { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 1 }], tenant: () => 'a' } })[0]?.body).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE', in_reply_to: 1 });
    expect(handler.handle(JSON.parse('{"src":"c1","body":{"type":"allocate","msg_id":2,"requirements":[{"type":"cpu","amount":1}],"tenant":"__proto__"}}'))[0]?.body).toMatchObject({ type: 'allocated', in_reply_to: 2 });
  });
});

describe('replies are never answered, whatever else is wrong with them', () => {
  it('a reply with a bad src or dest gets no error', () => {
    // before: the envelope was checked first, so such a reply was answered with an error — the
    // loop between two nodes the rule is there to prevent
    const { handler } = seedNode();
    expect(handler.handle({ src: 7, body: { type: 'error', in_reply_to: 1, msg_id: 1 } })).toEqual([]);
    expect(handler.handle({ src: 'c1', dest: [], body: { type: 'allocated', in_reply_to: 1, msg_id: 2 } })).toEqual([]);
  });
});

describe('new ProtocolHandler: hostile options', () => {
  const manager = () => new AllocationManager({ capacity: { cpu: 1 }, now: () => 0 });
  const refusal = (create: () => unknown): string | undefined => {
    try {
      create();
    } catch (error) {
      return isFairpackError(error) ? error.code : `untyped ${String(error)}`;
    }
    return undefined;
  };

  it('a getter option, Proxy options or a Proxy for the manager: INVALID_OPTION, not the caller\'s own error', () => {
    expect(refusal(() => new ProtocolHandler(manager(), withGetter({}, 'maxParked')))).toBe('INVALID_OPTION');
    expect(refusal(() => new ProtocolHandler(manager(), throwingProxy() as never))).toBe('INVALID_OPTION');
    expect(refusal(() => new ProtocolHandler(throwingProxy() as never))).toBe('INVALID_OPTION');
    // a plain object with `__proto__` as an own key is an unknown option like any other
    expect(refusal(() => new ProtocolHandler(manager(), JSON.parse('{"__proto__":{"maxParked":1}}') as never))).toBe('INVALID_OPTION');
    expect(refusal(() => new ProtocolHandler(manager(), { maxParked: 3, send: () => undefined }))).toBeUndefined();
  });
});
