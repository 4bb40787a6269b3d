/**
 * A transport of your own around the protocol handler: the JSON wire protocol over TCP, one
 * message per line, several clients at once. Replies and unsolicited messages are routed by their
 * `dest` to the connection that client spoke on.
 *
 *   npx tsx examples/protocol-transport.ts
 *
 * It starts the server on a free port, connects two clients, and shows client c2 hearing that its
 * queued request started when c1 released room.
 */
import { type Socket, connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { AllocationManager, type ProtocolEnvelope, ProtocolHandler } from 'fairpack';

const manager = new AllocationManager({ capacity: { cpu: 8, memory: 16, gpu: 2 } });
const connections = new Map<string, Socket>(); // client name (its `src`) → its connection

const deliver = (message: ProtocolEnvelope, fallback?: Socket): void => {
  const socket = (message.dest === undefined ? undefined : connections.get(message.dest)) ?? fallback;
  socket?.write(`${JSON.stringify(message)}\n`);
};
// news that arises outside a request (none in this demo) is routed the same way
const handler = new ProtocolHandler(manager, { send: (message) => deliver(message) });

const server = createServer((socket) => {
  createInterface({ input: socket }).on('line', (line) => {
    const src = (JSON.parse(line) as { src?: unknown }).src; // the handler re-parses; this only learns the name
    if (typeof src === 'string') connections.set(src, socket);
    for (const message of handler.handle(JSON.parse(line))) deliver(message, socket);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

/** A client: sends bodies, prints what it receives. */
function client(name: string): { send: (body: object) => void; socket: Socket } {
  const socket = connect(port, '127.0.0.1');
  let msgId = 0;
  createInterface({ input: socket }).on('line', (line) => console.log(`${name} ←`, line));
  return { socket, send: (body) => socket.write(`${JSON.stringify({ src: name, dest: 'n1', body: { ...body, msg_id: ++msgId } })}\n`) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const c1 = client('c1');
const c2 = client('c2');
c1.send({ type: 'allocate', requirements: [{ type: 'cpu', amount: 6 }] });
await pause(100);
c2.send({ type: 'allocate', requirements: [{ type: 'cpu', amount: 4 }] }); // queued: 2 cpu free
await pause(100);
const [allocation] = manager.allocations();
c1.send({ type: 'release', allocation_id: allocation?.id }); // c1 hears `released`, c2 hears `allocated`
await pause(100);

c1.socket.end();
c2.socket.end();
handler.close();
manager.close();
server.close();
