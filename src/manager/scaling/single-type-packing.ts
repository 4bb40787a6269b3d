import { type PackItem, type PackType, type Packing, cheapestTypes, fitsIn } from './packing-model.js';

/**
 * First-fit decreasing with type `t` only (items it cannot take left out), then bins emptied
 * into the others where they fit, then each bin on its cheapest type: the portfolio's other
 * members, which beat the value greedy when one type is the right shape for most of the work.
 */
export function singleTypePacking(order: readonly number[], items: readonly PackItem[], types: readonly PackType[], t: number, maxBins: number, fitsEmpty: (item: PackItem, t: number) => boolean): Packing {
  const type = types[t] as PackType;
  const bins: { type: number; items: number[]; free: number[]; groups: Set<string> }[] = [];
  const unplaced = new Set<number>();
  for (const i of order) {
    const item = items[i] as PackItem;
    if (!fitsEmpty(item, t)) {
      unplaced.add(i);
      continue;
    }
    let bin = bins.find((b) => fitsIn(item.amounts, b.free) && !(item.spread && b.groups.has(item.group)));
    if (bin === undefined) {
      if (bins.length >= Math.min(maxBins, type.max)) {
        unplaced.add(i);
        continue;
      }
      bins.push((bin = { type: t, items: [], free: [...type.capacity], groups: new Set() }));
    }
    bin.items.push(i);
    if (item.spread) bin.groups.add(item.group);
    for (let d = 0; d < bin.free.length; d++) bin.free[d] = (bin.free[d] as number) - (item.amounts[d] as number);
  }
  // bin elimination: the emptiest bins first, their items first-fit into the others' room (made in
  // place and undone on failure: no copy of the other bins per try)
  for (const victim of [...bins].sort((a, b) => b.free.reduce((x, y) => x + y, 0) - a.free.reduce((x, y) => x + y, 0))) {
    const moved: { bin: (typeof bins)[number]; i: number }[] = [];
    const ok = victim.items.every((i) => {
      const item = items[i] as PackItem;
      const target = bins.find((b) => b !== victim && fitsIn(item.amounts, b.free) && !(item.spread && b.groups.has(item.group)));
      if (target === undefined) return false;
      for (let d = 0; d < target.free.length; d++) target.free[d] = (target.free[d] as number) - (item.amounts[d] as number);
      if (item.spread) target.groups.add(item.group);
      target.items.push(i);
      moved.push({ bin: target, i });
      return true;
    });
    if (ok) {
      bins.splice(bins.indexOf(victim), 1);
      continue;
    }
    for (const { bin, i } of moved.reverse()) {
      const item = items[i] as PackItem;
      for (let d = 0; d < bin.free.length; d++) bin.free[d] = (bin.free[d] as number) + (item.amounts[d] as number);
      if (item.spread) bin.groups.delete(item.group);
      bin.items.pop();
    }
  }
  const counts = types.map((_, k) => (k === t ? bins.length : 0));
  const plain = bins.map((b) => ({ type: b.type, items: b.items }));
  cheapestTypes(plain, items, types, counts, fitsEmpty);
  return { bins: plain, cost: plain.reduce((sum, b) => sum + (types[b.type] as PackType).cost, 0), unplaced };
}
