import { AllocationManager, type AllocationManagerOptions, ProtocolHandler, type ProtocolEnvelope, type ProtocolHandlerOptions } from 'fairpack';

export type Body = Record<string, unknown>;

/** A handler over a fresh manager with an injected clock (no timers), on the seed's default pool unless `nodes` are given. */
export function seedNode(managerOptions: AllocationManagerOptions = {}, handlerOptions: ProtocolHandlerOptions = {}) {
  const cluster = managerOptions.nodes === undefined && managerOptions.pool === undefined ? { capacity: { cpu: 8, memory: 16, gpu: 2 } } : {};
  const manager = new AllocationManager({ ...cluster, now: () => 0, ...managerOptions });
  const handler = new ProtocolHandler(manager, handlerOptions);
  let msgId = 0;
  /** Sends one body from client `c1` to node `n1`; returns every message that came back. */
  const send = (body: Body, from = 'c1'): ProtocolEnvelope[] => handler.handle({ src: from, dest: 'n1', body: { msg_id: ++msgId, ...body } });
  /** Sends one body and returns the reply's body (the first message). */
  const ask = (body: Body, from = 'c1'): Body => (send(body, from)[0] as ProtocolEnvelope).body as unknown as Body;
  return { manager, handler, send, ask, lastMsgId: () => msgId };
}

/** The seed's requirement list from a resource object: `{ cpu: 2 }` → `[{ type: 'cpu', amount: 2 }]`. */
export function req(resources: Record<string, number>): { type: string; amount: number }[] {
  return Object.entries(resources).map(([type, amount]) => ({ type, amount }));
}

export function bodies(messages: readonly ProtocolEnvelope[]): Body[] {
  return messages.map((m) => m.body as unknown as Body);
}
