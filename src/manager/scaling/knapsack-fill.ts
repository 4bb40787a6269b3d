import { type PackItem, type PackType, fitsIn } from './packing-model.js';

/** Items of one shape (amounts and allowed types; a spread replica is a shape of its own): packing treats them alike. */
export interface Shape {
  readonly amounts: readonly number[];
  readonly allowed: readonly boolean[];
  readonly value: number;
  readonly members: readonly number[];
  /** A spread gang's replicas: at most one of the gang per node, whatever their shapes. */
  readonly once: boolean;
  readonly group: string;
}

export function shapesOf(left: readonly number[], items: readonly PackItem[], value: readonly number[]): Shape[] {
  const byKey = new Map<string, { amounts: readonly number[]; allowed: readonly boolean[]; value: number; members: number[]; once: boolean; group: string }>();
  for (const i of left) {
    const item = items[i] as PackItem;
    const key = `${item.amounts.join(',')}|${item.allowed.map((a) => (a ? 1 : 0)).join('')}${item.spread ? `|${item.group}` : ''}`;
    let shape = byKey.get(key);
    if (shape === undefined) byKey.set(key, (shape = { amounts: item.amounts, allowed: item.allowed, value: value[i] as number, members: [], once: item.spread, group: item.group }));
    shape.members.push(i);
  }
  return [...byKey.values()];
}

/** Search nodes one exact single-node fill may visit. */
const FILL_BUDGET = 3_000;

/**
 * The most valuable load of one node of type `t` (a bounded knapsack in every dimension at
 * once), by depth-first search over the shapes, most valuable per unit of room first, with a
 * fractional bound: what the greedy fills in size orders miss, such as two of one shape with two
 * of another filling a node exactly. Cut at `FILL_BUDGET` nodes (the best load found so far).
 */
export function knapsackFill(shapes: readonly Shape[], type: PackType, t: number): number[] {
  const cap = type.capacity;
  const density = (shape: Shape): number => {
    let room = 0;
    shape.amounts.forEach((a, d) => (room = Math.max(room, a / Math.max(1, cap[d] as number))));
    return room === 0 ? Infinity : shape.value / room;
  };
  const usable = shapes.filter((shape) => shape.allowed[t] === true && fitsIn(shape.amounts, cap)).sort((a, b) => density(b) - density(a));
  const free = [...cap];
  const take = usable.map(() => 0);
  let best: number[] = [];
  let bestValue = -1;
  let nodes = 0;
  const gangs = new Set<string>();
  const visit = (k: number, gained: number): void => {
    if (nodes++ > FILL_BUDGET) return;
    if (gained > bestValue) {
      bestValue = gained;
      best = [...take];
    }
    if (k === usable.length) return;
    // fractional bound: the room left at the best remaining density
    let roomLeft = 0;
    free.forEach((f, d) => (roomLeft = Math.max(roomLeft, f / Math.max(1, cap[d] as number))));
    if (gained + roomLeft * density(usable[k] as Shape) <= bestValue) return;
    const shape = usable[k] as Shape;
    let most = shape.once ? (gangs.has(shape.group) ? 0 : 1) : shape.members.length;
    shape.amounts.forEach((a, d) => {
      if (a > 0) most = Math.min(most, Math.floor((free[d] as number) / a));
    });
    for (let c = Math.min(most, shape.members.length); c >= 0; c--) {
      shape.amounts.forEach((a, d) => (free[d] = (free[d] as number) - c * a));
      take[k] = c;
      if (shape.once && c > 0) gangs.add(shape.group);
      visit(k + 1, gained + c * shape.value + 1e-9 * c);
      if (shape.once && c > 0) gangs.delete(shape.group);
      shape.amounts.forEach((a, d) => (free[d] = (free[d] as number) + c * a));
      take[k] = 0;
    }
  };
  visit(0, 0);
  return best.flatMap((c, k) => (usable[k] as Shape).members.slice(0, c));
}
