import type { PackItem, PackType } from './packing-model.js';

/** Largest number of count states (Π (count + 1) over the shapes) the dynamic program takes on. */
const MAX_STATES = 40_000;
/** Largest number of single-node loads (patterns) over all types. */
const MAX_PATTERNS = 2_000;
/** Most states × loads: the dynamic program's work. */
const MAX_WORK = 5_000_000;
/** Most distinct shapes. */
const MAX_SHAPES = 4;

/**
 * The exact optimum when the items come in a few shapes (cutting-stock style): f(counts), the least
 * cost holding `counts[s]` items of each shape s, is the minimum over a type and a load of one
 * node of it (how many of each shape it holds) of the type's price plus f(counts − load). Every
 * packing has a node holding an item of the first shape left, so only loads with one are tried.
 * Exact for what it accepts — at most MAX_SHAPES shapes (same amounts and allowed types), no spread
 * gangs, no `max` and no bin limit, within MAX_STATES states and MAX_PATTERNS loads — and
 * undefined otherwise. Where jobs come in a few sizes (the common case), this is the answer.
 */
export function shapeOptimum(items: readonly PackItem[], indices: readonly number[], types: readonly PackType[], maxBins: number): { bins: { type: number; items: number[] }[]; cost: number } | undefined {
  if (maxBins !== Infinity || types.some((t) => t.max !== Infinity) || indices.length === 0) return undefined;
  const byKey = new Map<string, number[]>();
  for (const i of indices) {
    const item = items[i] as PackItem;
    if (item.spread) return undefined;
    const key = `${item.amounts.join(',')}|${item.allowed.map((a) => (a ? 1 : 0)).join('')}`;
    let members = byKey.get(key);
    if (members === undefined) byKey.set(key, (members = []));
    members.push(i);
  }
  if (byKey.size > MAX_SHAPES) return undefined;
  const shapes = [...byKey.values()];
  const counts = shapes.map((m) => m.length);
  let states = 1;
  for (const c of counts) states *= c + 1;
  if (states > MAX_STATES) return undefined;
  // every load of one node of each type (how many of each shape), with at least one item
  const patterns: { type: number; load: number[] }[] = [];
  for (const [t, type] of types.entries()) {
    const load = shapes.map(() => 0);
    const free = [...type.capacity];
    const visit = (s: number): boolean => {
      if (s === shapes.length) {
        if (load.some((x) => x > 0)) patterns.push({ type: t, load: [...load] });
        return patterns.length <= MAX_PATTERNS;
      }
      const item = items[(shapes[s] as number[])[0] as number] as PackItem;
      load[s] = 0;
      if (!visit(s + 1)) return false;
      let x = 0;
      while (x < (counts[s] as number) && item.allowed[t] === true && item.amounts.every((a, d) => a <= (free[d] as number))) {
        x++;
        item.amounts.forEach((a, d) => (free[d] = (free[d] as number) - a));
        load[s] = x;
        if (!visit(s + 1)) return false;
      }
      item.amounts.forEach((a, d) => (free[d] = (free[d] as number) + a * x));
      load[s] = 0;
      return true;
    };
    if (!visit(0)) return undefined;
  }
  if (states * patterns.length > MAX_WORK) return undefined;
  // f over count vectors, encoded in mixed radix
  const radix = counts.map((c) => c + 1);
  const encode = (v: readonly number[]): number => v.reduce((code, x, s) => code * (radix[s] as number) + x, 0);
  const memo = new Map<number, { cost: number; pattern: number }>();
  const solve = (left: number[]): number => {
    const first = left.findIndex((x) => x > 0);
    if (first < 0) return 0;
    const code = encode(left);
    const known = memo.get(code);
    if (known !== undefined) return known.cost;
    let best = Infinity;
    let choice = -1;
    patterns.forEach((p, k) => {
      if ((p.load[first] as number) === 0) return;
      const price = (types[p.type] as PackType).cost;
      if (price >= best) return;
      const next = left.map((x, s) => Math.max(0, x - (p.load[s] as number)));
      // a load that takes more of a shape than is left is the same as a smaller one: skip it
      if (p.load.some((x, s) => x > (left[s] as number))) return;
      const total = price + solve(next);
      if (total < best) {
        best = total;
        choice = k;
      }
    });
    memo.set(code, { cost: best, pattern: choice });
    return best;
  };
  const cost = solve([...counts]);
  if (cost === Infinity) return undefined;
  // the nodes, from the choices
  const bins: { type: number; items: number[] }[] = [];
  const queues = shapes.map((m) => [...m]);
  const left = [...counts];
  while (left.some((x) => x > 0)) {
    const { pattern } = memo.get(encode(left)) as { cost: number; pattern: number };
    const p = patterns[pattern] as { type: number; load: number[] };
    const members: number[] = [];
    p.load.forEach((x, s) => {
      for (let k = 0; k < x; k++) members.push((queues[s] as number[]).pop() as number);
      left[s] = (left[s] as number) - x;
    });
    bins.push({ type: p.type, items: members });
  }
  return { bins, cost };
}
