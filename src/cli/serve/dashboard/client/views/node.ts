import { ApiError, adminCall, getJson, hasAdminToken } from '../api.js';
import { amount, h, jobLink, show, table } from '../dom.js';
import type { Allocation, NodeView, Reservation } from '../types.js';
import type { PageFactory } from '../view.js';

/** One node: its figures per dimension, labels, taints, allocations (jobs) and held room; drain it (admin). */
export const nodePage: PageFactory = (root, [id = ''], context) => {
  const details = h('div');
  const result = h('p', { class: 'result', role: 'status' });
  const drain = h('button', { type: 'button', onclick: () => void drainNode() }, 'Drain this node');
  const actions = h('section', { 'aria-labelledby': 'node-admin-h' }, h('h2', { id: 'node-admin-h' }, 'Admin'), h('p', { class: 'hint' }, 'Draining stops new jobs from starting here; running ones finish. Needs the admin token (entered above).'), drain, result);
  show(root, h('p', {}, h('a', { href: '#/cluster' }, '← All nodes')), details, actions);

  async function drainNode(): Promise<void> {
    if (context.readOnly()) {
      show(result, 'This replica is a read-only follower: drain the node on the leader.');
      return;
    }
    try {
      const { node } = await adminCall<{ node: NodeView }>('POST', `/nodes/${encodeURIComponent(id)}/drain`);
      show(result, `Node ${node.id} is now ${node.status}.`);
      context.announce(`Node ${node.id} is ${node.status}.`);
    } catch (error) {
      const e = error as ApiError;
      show(result, `Refused (${e.status ?? ''} ${e.code ?? 'ERROR'}): ${e.message}${hasAdminToken() ? '' : ' Enter the admin token first.'}`);
      result.classList.add('error');
    }
  }

  return {
    title: `Node ${id}`,
    async update() {
      drain.toggleAttribute('disabled', context.readOnly());
      let answer: { node: NodeView; allocations: readonly Allocation[]; reservations: readonly Reservation[] };
      try {
        answer = await getJson(`/nodes/${encodeURIComponent(id)}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          show(details, h('h2', {}, `Node ${id}`), h('p', { class: 'empty' }, 'No such node (it was removed?).'));
          return;
        }
        throw error;
      }
      const { node, allocations, reservations } = answer;
      const dims = Object.keys(node.capacity);
      show(
        details,
        h('h2', {}, `Node ${node.id} — ${node.status}`),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Status'),
          h('dd', {}, node.status, node.spot === true ? ' (spot)' : ''),
          h('dt', {}, 'Labels'),
          h('dd', {}, Object.keys(node.labels).length === 0 ? 'none' : Object.entries(node.labels).map(([k, v]) => `${k}=${v}`).join(', ')),
          h('dt', {}, 'Taints'),
          h('dd', {}, node.taints.length === 0 ? 'none' : node.taints.map((t) => `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`).join(', ')),
          node.costPerHour === undefined ? null : h('dt', {}, 'Cost per hour'),
          node.costPerHour === undefined ? null : h('dd', {}, amount(node.costPerHour)),
        ),
        table('Resources', ['Dimension', 'Capacity', 'Allocated', 'Reserved', 'Available'], dims.map((d) => [d, amount(node.capacity[d]), amount(node.allocated[d]), amount(node.reserved[d]), amount(node.available[d])])),
        table(
          'Allocations on this node',
          ['Job', 'Tenant', 'Priority', 'Here'],
          allocations.map((a) => [jobLink(a.jobId), a.tenant, a.priority, a.placements.filter((p) => p.nodeId === node.id).map((p) => Object.entries(p.resources).map(([d, v]) => `${d} ${amount(v)}`).join(', ')).join(' + ')]),
          'none.',
        ),
        table('Room held here', ['For job', 'Why', 'Held'], reservations.map((r) => [jobLink(r.jobId), r.reason, Object.entries(r.resources).map(([d, v]) => `${d} ${amount(v)}`).join(', ')]), 'none.'),
      );
    },
  };
};
