import type { NodeSnapshot, RunSeries } from '../results.js';
import { duration, percent } from '../format.js';
import type { ReportContext } from './charts.js';
import { escapeXml } from './svg.js';

/** Cells per row of a heatmap; a cell per node. */
const COLUMNS = 25;
/** Nodes drawn per grid: a report of a huge cluster must stay a file a browser opens. */
const MAX_CELLS = 2_000;
const CELL = 13;

/**
 * Every node's fill at one moment, one grid per run: a cell per node (in the cluster's order, the
 * same in every grid) coloured by its fullest dimension, crossed out while it is down. Where the
 * runs differ is how they packed: full and empty nodes side by side, or everything half full.
 */
export function heatmaps(context: ReportContext): string {
  const panels = context.results.map((r, i) => {
    const snapshot = (context.series[i] as RunSeries).nodeSnapshot;
    return `<figure class="panel heatmap"><figcaption>${escapeXml(r.label)}</figcaption>${snapshot === undefined ? '<p class="note">The run ended before this moment.</p>' : grid(snapshot, r.label)}</figure>`;
  });
  const moment = context.series.find((s) => s.nodeSnapshot !== undefined)?.nodeSnapshot;
  const scaleBar = [0, 0.25, 0.5, 0.75, 1].map((v) => `<li><span class="cell" style="background:${colour(v)}"></span>${percent(v, 0)}</li>`).join('');
  const at = moment === undefined ? '' : `<p class="note">At ${duration(moment.atS)} after the first submission.</p>`;
  return `${at}<ul class="legend">${scaleBar}<li><span class="cell down"></span>down</li></ul><div class="panels">${panels.join('')}</div>`;
}

function grid(snapshot: NodeSnapshot, label: string): string {
  const shown = snapshot.nodes.slice(0, MAX_CELLS);
  const rows = Math.ceil(shown.length / COLUMNS);
  const width = Math.min(shown.length, COLUMNS) * CELL;
  const cells = shown.map((node, n) => {
    const x = (n % COLUMNS) * CELL;
    const y = Math.floor(n / COLUMNS) * CELL;
    const fills = node.used.map((u, d) => (u === null ? '' : `${snapshot.dimensions[d] as string} ${percent(u, 0)}`)).filter((t) => t !== '');
    const fullest = Math.max(0, ...node.used.filter((u): u is number => u !== null));
    const tip = `${node.id}: ${node.down ? 'down' : fills.join(', ')}`;
    const cross = node.down ? `<path d="M${x + 2} ${y + 2}l${CELL - 5} ${CELL - 5}m0 -${CELL - 5}l-${CELL - 5} ${CELL - 5}" stroke="#6b7280" stroke-width="1.2"/>` : '';
    return `<g><title>${escapeXml(tip)}</title><rect x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${node.down ? '#e5e7eb' : colour(fullest)}"/>${cross}</g>`;
  });
  return `<svg class="chart heatmap-grid" viewBox="0 0 ${width} ${rows * CELL}" width="${width}" height="${rows * CELL}" role="img" aria-label="Node fill at ${snapshot.atS} s for ${escapeXml(label)}">${cells.join('')}</svg><p class="note">${snapshot.waiting} jobs waiting.${snapshot.nodes.length > MAX_CELLS ? ` The first ${MAX_CELLS} of ${snapshot.nodes.length} nodes are drawn.` : ''}</p>`;
}

/** White (empty) to deep blue (full), through the report's accent. */
function colour(fill: number): string {
  const t = Math.max(0, Math.min(1, fill));
  const mix = (from: number, to: number): number => Math.round(from + (to - from) * t);
  return `rgb(${mix(243, 30)},${mix(244, 64)},${mix(246, 175)})`;
}
