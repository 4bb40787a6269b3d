import type { NodeSpec, NodeStatus, NodeUpdate } from '../../index.js';
import { checkKnownKeys, knownKeys } from '../../known-keys.js';
import { HttpError, type Reply, readJsonBody } from './http-io.js';
import type { Route, RouteContext } from './routes.js';

const NODE_PATCH_FIELDS = knownKeys('node patch field', ['status', 'labels', 'taints'], 'INVALID_REQUEST');
const STATUSES: readonly NodeStatus[] = ['ready', 'draining', 'offline'];

/**
 * The cluster's nodes over HTTP: read them (anyone), add, change and remove them (admin token),
 * and keep them alive (`POST /nodes/:id/heartbeat`, node token). See docs/http.md and docs/nodes.md.
 */
export const NODE_ROUTES: readonly Route[] = [
  // the nodes, and the room held on them for waiting jobs (each node's `reserved`, by job)
  { path: '/nodes', methods: { GET: ({ manager }) => ({ status: 200, body: { nodes: manager.nodes(), reservations: manager.reservations() } }), POST: addNode } },
  { path: '/nodes/:id', methods: { GET: getNode, PATCH: patchNode, DELETE: removeNode } },
  { path: '/nodes/:id/heartbeat', methods: { POST: heartbeat } },
  { path: '/nodes/:id/drain', methods: { POST: drainNode } },
  { path: '/nodes/:id/interrupt', methods: { POST: interruptNode } },
];

const DRAIN_FIELDS = knownKeys('drain body field', ['deadlineMs'], 'INVALID_REQUEST');
const INTERRUPT_FIELDS = knownKeys('interrupt body field', ['noticeMs'], 'INVALID_REQUEST');

/** `{ "deadlineMs"?: n }` or no body: the node takes nothing new; `node:drained` once it is empty; at the deadline what still runs is re-queued. */
async function drainNode({ manager, request, params, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const body = await optionalObjectBody(request, bodyLimit, 'Expected a body { "deadlineMs"?: whole milliseconds } or none.');
  checkKnownKeys(body, DRAIN_FIELDS);
  const node = manager.drain(params['id'] as string, body['deadlineMs'] === undefined ? {} : { deadlineMs: body['deadlineMs'] as number });
  return { status: 200, body: { node } };
}

/** `{ "noticeMs": n }`: a spot reclaim — the jobs are warned, and at the deadline the node goes offline and the rest are re-queued. */
async function interruptNode({ manager, request, params, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const body = await optionalObjectBody(request, bodyLimit, 'Expected a body { "noticeMs": whole milliseconds }, e.g. { "noticeMs": 120000 } for a two-minute notice.');
  checkKnownKeys(body, INTERRUPT_FIELDS);
  const node = manager.interruptNode(params['id'] as string, { noticeMs: body['noticeMs'] as number }); // 400 INVALID_OPTION without it
  return { status: 200, body: { node } };
}

/** The JSON object body of a request that may also have none (then `{}`). */
async function optionalObjectBody(request: RouteContext['request'], bodyLimit: number, expected: string): Promise<Record<string, unknown>> {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
  const body = hasBody ? await readJsonBody(request, bodyLimit) : {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'INVALID_BODY', expected);
  return body as Record<string, unknown>;
}

async function addNode({ manager, request, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const body = await readJsonBody(request, bodyLimit);
  const node = manager.addNode(body as NodeSpec); // 400 INVALID_NODE, 409 DUPLICATE_NODE with the manager's words
  return { status: 201, body: { node }, headers: { location: `/nodes/${encodeURIComponent(node.id)}` } };
}

/** A node, the allocations on it (with their jobs) and the room held on it. */
function getNode({ manager, params }: RouteContext): Reply {
  const id = params['id'] as string;
  const node = manager.nodes().find((n) => n.id === id);
  if (node === undefined) throw unknownNode(id);
  const allocations = manager.allocations().filter((a) => a.placements.some((p) => p.nodeId === id));
  return { status: 200, body: { node, allocations, reservations: manager.reservations().filter((r) => r.nodeId === id) } };
}

/**
 * Some of `{ "status": "ready" | "draining" | "offline", "labels": {…}, "taints": […] }`: labels and
 * taints are replaced whole (new placements follow them, running jobs stay); offline re-queues the
 * node's jobs at the head of their queues. Everything is checked before anything changes.
 */
async function patchNode({ manager, request, params, requireAdmin, bodyLimit }: RouteContext): Promise<Reply> {
  requireAdmin(request);
  const id = params['id'] as string;
  const body = await readJsonBody(request, bodyLimit);
  const expected = 'Expected a body with some of { "status": "ready" | "draining" | "offline", "labels": { … }, "taints": [ … ] }.';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'INVALID_BODY', expected);
  const fields = body as Record<string, unknown>;
  checkKnownKeys(fields, NODE_PATCH_FIELDS); // 400 INVALID_REQUEST, with the closest field
  const { status, labels, taints } = fields;
  if (status === undefined && labels === undefined && taints === undefined) throw new HttpError(400, 'INVALID_BODY', expected);
  if (status !== undefined && !STATUSES.includes(status as NodeStatus)) throw new HttpError(400, 'INVALID_REQUEST', `Expected \`status\` to be one of ${STATUSES.join(', ')}, got ${JSON.stringify(status)}.`);
  if (!manager.nodes().some((n) => n.id === id)) throw unknownNode(id);
  // the labels and taints first: a bad one is refused (400 INVALID_NODE) before the status changes
  let node = labels === undefined && taints === undefined ? undefined : manager.updateNode(id, { ...(labels === undefined ? {} : { labels }), ...(taints === undefined ? {} : { taints }) } as NodeUpdate);
  if (status !== undefined) node = manager.setNodeStatus(id, status as NodeStatus);
  return { status: 200, body: { node } };
}

/** Refused with 409 NODE_NOT_EMPTY while jobs run on it, unless `?force=true`: then they are re-queued at the head. */
function removeNode({ manager, request, params, query, requireAdmin }: RouteContext): Reply {
  requireAdmin(request);
  const id = params['id'] as string;
  const force = query.get('force');
  if (force !== null && force !== 'true' && force !== 'false') throw new HttpError(400, 'INVALID_QUERY', `Expected \`force\` to be true or false, got "${force}".`);
  const requeued = manager.allocations().filter((a) => a.placements.some((p) => p.nodeId === id)).map((a) => a.jobId);
  const node = manager.removeNode(id, { force: force === 'true' });
  return { status: 200, body: { node, requeued } };
}

const HEARTBEAT_FIELDS = knownKeys('heartbeat body field', ['running'], 'INVALID_REQUEST');

/**
 * The node is alive (the server runs with --heartbeat-timeout); with `{ "running": [allocation ids] }`
 * the books are reconciled with what the node sees (docs/nodes.md#drift). Authenticated with the
 * node token, not the admin one — checked before the body is read.
 */
async function heartbeat({ manager, request, params, requireNode, bodyLimit }: RouteContext): Promise<Reply> {
  requireNode(request);
  const body = await optionalObjectBody(request, bodyLimit, 'Expected a body { "running"?: [allocation ids] } or none.');
  checkKnownKeys(body, HEARTBEAT_FIELDS);
  const node = manager.heartbeat(params['id'] as string, body['running'] === undefined ? undefined : { running: body['running'] as string[] });
  return { status: 200, body: { node } };
}

function unknownNode(id: string): HttpError {
  return new HttpError(404, 'UNKNOWN_NODE', `No node "${id}". GET /nodes lists the nodes.`);
}
