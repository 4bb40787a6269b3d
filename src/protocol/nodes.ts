import { FairpackError, describeValue, isFairpackError } from '../errors.js';
import { describeUnknownKey, firstUnknownKey, knownKeys } from '../known-keys.js';
import type { AllocationManager } from '../manager/index.js';
import type { NodeStatus, NodeView } from '../placement/index.js';
import type { NodeSpec } from '../pool/index.js';
import { type Scale, isPlainRecord } from '../resources/index.js';
import { type Body, describeField, invalid, parseRequirements } from './fields.js';
import type { WireNode } from './types.js';

/*
 * The node-management messages' pieces: the `node` of `node_add` read into the manager's
 * `NodeSpec`, the node as replies show it, and the manager's refusals reworded for a wire client
 * (what to send, not which method to call).
 */

const NODE_FIELDS = knownKeys('node field', ['id', 'capacity', 'labels', 'taints', 'status', 'cost_per_hour'], 'INVALID_REQUEST');
const STATUSES: readonly NodeStatus[] = ['ready', 'draining', 'offline'];

/** A node id in a message's text: quoted, and cut short past 60 characters (ids come off the wire). */
function quoted(id: string): string {
  return JSON.stringify(id.length > 60 ? `${id.slice(0, 57)}...` : id);
}

/** A node in the wire's snake_case: what `nodes` lists, and what the node messages answer with. */
export function wireNode(node: NodeView): WireNode {
  return { node_id: node.id, status: node.status, capacity: node.capacity, allocated: node.allocated, available: node.available, labels: node.labels };
}

/**
 * The `node` of a `node_add`, as the manager's `NodeSpec`. Its shape is the message's
 * (`INVALID_MESSAGE`: not an object, a field it does not accept); `capacity` is a requirement
 * list (`INVALID_RESOURCES`, as for `allocate`); the rest is the node's own content, refused with
 * the manager's code for a node spec (`INVALID_NODE`): `id` and `cost_per_hour` are checked here,
 * so that the text names them as the client spelt them, labels, taints and status by the manager.
 */
export function readNodeSpec(body: Body, scale: Scale): NodeSpec {
  const node = body['node'];
  if (!isPlainRecord(node)) {
    throw invalid(`Expected \`node\` of node_add to be an object {"id", "capacity", "labels"?, "taints"?, "status"?, "cost_per_hour"?}, got ${describeField(node)}.`);
  }
  const unknown = firstUnknownKey(node, NODE_FIELDS);
  if (unknown !== undefined) throw invalid(describeUnknownKey(unknown, NODE_FIELDS).message);
  const id = node['id'];
  if (typeof id !== 'string' || id.length === 0) {
    throw new FairpackError('INVALID_NODE', `Expected \`node.id\` of node_add to be a non-empty string, got ${describeField(id)}. Give every node a unique id.`, { value: id });
  }
  const capacity = parseRequirements(node['capacity'], scale, `node ${quoted(id)}`, 'capacity');
  const cost = node['cost_per_hour'];
  if (cost !== undefined && (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0)) {
    throw new FairpackError('INVALID_NODE', `Expected \`cost_per_hour\` of node ${quoted(id)} to be a finite number >= 0, got ${describeValue(cost)}. Leave it out if the node has no cost.`, { nodeId: id });
  }
  const { labels, taints, status } = node;
  return {
    id,
    capacity,
    ...(labels === undefined ? {} : { labels: labels as NonNullable<NodeSpec['labels']> }),
    ...(taints === undefined ? {} : { taints: taints as NonNullable<NodeSpec['taints']> }),
    ...(status === undefined ? {} : { status: status as NodeStatus }),
    ...(cost === undefined ? {} : { costPerHour: cost }),
  };
}

/** `status` of a `node_status`: one of the three, checked before the manager is touched. */
export function readStatus(body: Body): NodeStatus {
  const status = body['status'];
  if (!STATUSES.includes(status as NodeStatus)) {
    throw invalid(`Expected \`status\` of node_status to be "ready", "draining" or "offline", got ${describeField(status)}.`);
  }
  return status as NodeStatus;
}

/** `force` of a `node_remove`: a boolean, false when left out. */
export function readForce(body: Body): boolean {
  const force = body['force'];
  if (force !== undefined && typeof force !== 'boolean') throw invalid(`Expected \`force\` of node_remove to be true or false, got ${describeValue(force)}.`);
  return force === true;
}

/**
 * Node `id` as it is now, once a manager call has taken effect. The call's own answer can be
 * older: `addNode` and `setNodeStatus` answer with the node as it was when it came or its status
 * changed — before the jobs that then started on it, and (`offline`) before its allocations were
 * taken back.
 */
export function nodeNow(manager: AllocationManager, id: string, answered: NodeView): NodeView {
  return manager.nodes().find((node) => node.id === id) ?? answered;
}

/**
 * The jobs running (or in a preemption's grace period) on node `id` now, in the order they
 * started: those a forced removal, or the node going offline, puts back in the queue.
 */
export function jobsOn(manager: AllocationManager, id: string): string[] {
  return manager
    .allocations()
    .filter((allocation) => allocation.placements.some((placement) => placement.nodeId === id))
    .map((allocation) => allocation.jobId);
}

/**
 * Runs a manager call of request `type` for node `nodeId`, with the manager's refusals whose
 * advice names its methods (`addNode`, `{ force: true }`, the constructor option) reworded in the
 * wire's terms. The code stays the manager's; the call changed nothing when it threw.
 */
export function onNode<T>(manager: AllocationManager, type: string, nodeId: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (!isFairpackError(error)) throw error;
    switch (error.code) {
      case 'UNKNOWN_NODE': {
        const known = manager.nodes().map((node) => node.id);
        const listed = known.length === 0 ? 'none' : `${known.slice(0, 10).map(quoted).join(', ')}${known.length > 10 ? ` and ${known.length - 10} more` : ''}`;
        throw new FairpackError('UNKNOWN_NODE', `Expected \`node_id\` of ${type} to name a node of this scheduler, got ${quoted(nodeId)}. Known nodes: ${listed}. Add it with node_add first, or ask for the list with nodes. Nothing was changed.`, { nodeId }, { cause: error });
      }
      case 'NODE_NOT_EMPTY': {
        const count = error.details['allocations'];
        throw new FairpackError(
          'NODE_NOT_EMPTY',
          `Expected node ${quoted(nodeId)} to hold no allocations before node_remove, got ${typeof count === 'number' ? count : 'some'}. Release them, or set the node "draining" (node_status) and remove it once they end, or send "force": true to put their jobs back in the queue (their senders hear \`allocated\` again when they restart). Nothing was changed.`,
          { ...error.details },
          { cause: error },
        );
      }
      case 'HEARTBEATS_OFF':
        throw new FairpackError(
          'HEARTBEATS_OFF',
          `Expected a scheduler that watches node liveness, got a heartbeat for node ${quoted(nodeId)}, but heartbeats are off here (its manager was built without the \`heartbeat: { timeoutMs }\` option). Stop sending heartbeats, or run the scheduler with heartbeats on. Nothing was changed.`,
          { nodeId },
          { cause: error },
        );
      default:
        throw error;
    }
  }
}
