import { getJson } from '../api.js';
import { amount, h, link, meter, percent, show, table, time } from '../dom.js';
import type { Activity, Capacity, NodeView, Reservation } from '../types.js';
import type { PageFactory } from '../view.js';

/** Dominant utilisation of a node: max over its dimensions of (allocated + reserved) ÷ capacity. */
export function dominantUse(node: NodeView): { readonly fraction: number; readonly dimension: string } {
  let best = { fraction: 0, dimension: '' };
  for (const [dimension, capacity] of Object.entries(node.capacity)) {
    if (capacity <= 0) continue;
    const fraction = ((node.allocated[dimension] ?? 0) + (node.reserved[dimension] ?? 0)) / capacity;
    if (fraction > best.fraction || best.dimension === '') best = { fraction, dimension };
  }
  return best;
}

/** Utilisation per dimension now and over the last hour, the nodes as a heatmap, recent preemptions. */
export const clusterPage: PageFactory = (root) => {
  const utilisation = h('section', { 'aria-labelledby': 'util-h' });
  const grid = h('section', { 'aria-labelledby': 'grid-h' });
  const preemptions = h('section', { 'aria-labelledby': 'pre-h' });
  show(root, utilisation, grid, preemptions);
  return {
    title: 'Cluster',
    async update() {
      const [util, nodes, activity] = await Promise.all([
        getJson<{ now: Capacity; samples: readonly (Capacity & { at: number })[] }>('/utilisation'),
        getJson<{ nodes: readonly NodeView[]; reservations: readonly Reservation[] }>('/nodes'),
        getJson<Activity>('/activity'),
      ]);
      const dims = Object.keys(util.now.total);
      show(
        utilisation,
        h('h2', { id: 'util-h' }, 'Utilisation'),
        table(
          'Per dimension: allocated and held now, and over the last hour',
          ['Dimension', 'Allocated', 'Reserved', 'Total', 'Used', 'Last hour'],
          dims.map((d) => {
            const total = util.now.total[d] ?? 0;
            const used = (util.now.allocated[d] ?? 0) + (util.now.reserved[d] ?? 0);
            const fraction = total > 0 ? used / total : 0;
            return [d, amount(util.now.allocated[d]), amount(util.now.reserved[d]), amount(total), h('span', { class: 'figure' }, meter(fraction, `${d} used`), ' ', percent(fraction)), sparkline(util.samples, d)];
          }),
          'no dimensions (no nodes).',
        ),
      );
      show(
        grid,
        h('h2', { id: 'grid-h' }, `Nodes (${nodes.nodes.length})`),
        h('p', { class: 'hint' }, 'Each node is coloured by its dominant utilisation (allocated + reserved ÷ capacity, in its fullest dimension). Select one for its jobs, labels and taints.'),
        nodes.nodes.length === 0
          ? h('p', { class: 'empty' }, 'No nodes.')
          : h(
              'ul',
              { class: 'node-grid', 'aria-label': 'Nodes' },
              nodes.nodes.map((node) => {
                const use = dominantUse(node);
                const held = Object.values(node.reserved).some((v) => v > 0);
                return h(
                  'li',
                  {},
                  h(
                    'a',
                    { class: `node status-${node.status}`, href: `#/nodes/${encodeURIComponent(node.id)}`, 'data-node': node.id, style: `--u:${Math.min(1, use.fraction).toFixed(3)}` },
                    h('span', { class: 'node-id' }, node.id),
                    h('span', { class: 'node-use' }, percent(use.fraction), use.dimension === '' ? '' : ` ${use.dimension}`),
                    h('span', { class: 'node-status' }, node.status, held ? ' · reserved room' : '', node.spot === true ? ' · spot' : ''),
                    h('span', { class: 'node-jobs' }, `${node.allocationCount} job${node.allocationCount === 1 ? '' : 's'}`),
                  ),
                );
              }),
            ),
      );
      show(
        preemptions,
        h('h2', { id: 'pre-h' }, 'Recent preemptions'),
        table(
          'Who evicted whom (newest first)',
          ['When', 'Preemptor', 'Evicted', 'Node'],
          activity.preemptions.slice(0, 20).map((p) => [time(p.at), h('span', {}, link(`#/jobs/${encodeURIComponent(p.preemptor.id)}`, p.preemptor.id), ` (${p.preemptor.tenant}, ${p.preemptor.priority})`), h('span', {}, link(`#/jobs/${encodeURIComponent(p.victim.id)}`, p.victim.id), ` (${p.victim.tenant}, ${p.victim.priority})`), p.nodeId]),
          'none since the server started.',
        ),
      );
    },
  };
};

/** The dimension's used fraction over the samples, as a small line chart with a text alternative. */
function sparkline(samples: readonly (Capacity & { at: number })[], dimension: string): Element {
  const points = samples.map((s) => {
    const total = s.total[dimension] ?? 0;
    return total > 0 ? ((s.allocated[dimension] ?? 0) + (s.reserved[dimension] ?? 0)) / total : 0;
  });
  if (points.length < 2) return h('span', { class: 'hint' }, 'collecting…');
  const width = 120;
  const height = 24;
  const step = width / (points.length - 1);
  const coords = points.map((p, i) => `${(i * step).toFixed(1)},${(height - Math.min(1, p) * height).toFixed(1)}`).join(' ');
  const peak = Math.max(...points);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${dimension} over the last ${points.length} samples: now ${percent(points[points.length - 1] ?? 0)}, peak ${percent(peak)}`);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', coords);
  svg.appendChild(line);
  return svg;
}
