import type { NodeSpec } from '../index.js';
import { Random } from './random.js';

/**
 * `--spot <fraction>`: makes round(fraction × nodes) of the nodes spot nodes (at least one for a
 * fraction above 0), a uniform choice drawn from the seed in a stream of its own — so the workload
 * and the failures are the same with and without it — and every other node on-demand (a nodes
 * file's own `spot` flags are replaced). Node order is kept.
 */
export function withSpotNodes(nodes: readonly NodeSpec[], fraction: number, seed: number): NodeSpec[] {
  const count = fraction === 0 ? 0 : Math.min(nodes.length, Math.max(1, Math.round(fraction * nodes.length)));
  const random = new Random(seed, 'spot');
  // a partial Fisher–Yates shuffle: the first `count` entries are the chosen nodes
  const order = nodes.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + random.int(order.length - i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const chosen = new Set(order.slice(0, count));
  return nodes.map((node, i) => {
    const { spot: _spot, ...rest } = node;
    return chosen.has(i) ? { ...rest, spot: true } : rest;
  });
}

/**
 * Where a job stands after it lost its run of `ranMs` (node failure, preemption, interruption):
 * with checkpoints every `everyMs` of work, the progress kept is the last checkpoint — a multiple
 * of `everyMs` strictly before the job's end (a checkpoint at the very end would be the
 * completion) — and never less than what was kept before the run.
 */
export function afterLoss(keptMs: number, ranMs: number, durationMs: number, everyMs: number): { readonly keptMs: number; readonly lostMs: number } {
  const progress = keptMs + ranMs;
  const lastBeforeEnd = Math.ceil(durationMs / everyMs - 1) * everyMs;
  const kept = Math.max(keptMs, Math.min(Math.floor(progress / everyMs) * everyMs, lastBeforeEnd));
  return { keptMs: kept, lostMs: progress - kept };
}
