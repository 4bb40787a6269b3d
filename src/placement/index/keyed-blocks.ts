import { grow } from '../../typed-arrays.js';
import type { IndexedNode } from '../strategy.js';
import type { GroupValues } from './group-values.js';

const NIL = -1;
/** Blocks split above this many members by default (tests pass a smaller one to reach the corners). */
const DEFAULT_CAPACITY = 48;
/** Blocks are grouped by position, at least 2^MIN_GROUP_SHIFT to a group (see `groupShift`). */
const MIN_GROUP_SHIFT = 4;

/**
 * The members of one capacity group, ordered by (key, node order), in a list of blocks: each block
 * holds the members of one range of (key, order) — unsorted within it — and the maxima of their
 * `GroupValues`. It answers the same questions as `KeyedTreap` (the first member in order that
 * fits, between key bounds) and is what best-fit uses.
 *
 * Why not the treap: best-fit's churn moves a node's key across about a tenth of the group on
 * every allocate and release, so each update was a remove and an insert at random places of a
 * 10,000-member tree — two walks of ≈ 16 levels through rows scattered over a megabyte, and the
 * maxima redone along both: ≈ 1.4 µs, two per release + allocate, half of fairpack's time. Here an
 * update is a binary search over ≈ 200 block bounds (one small contiguous array), a swap-remove
 * in one block, an append in another, and the maxima kept with a count of the members at each
 * maximum (a homogeneous cluster ties at its maxima everywhere: most nodes have all their gpus
 * free) and the value below each maximum, with its count, while known: when the last member at a
 * maximum leaves, the value below takes its place, and the block's rows are scanned only when
 * that is unknown too (≈ 1 removal in 40 under best-fit's churn). A search reads the blocks'
 * maxima in order, a contiguous array, and scans the first block whose maxima pass; a member's
 * row is contiguous with its block's other members, so the scan is a sequential read.
 *
 * Blocks split in two (by sorting their members) above `capacity` members and merge into a
 * neighbour below an eighth of it, so there are between n / capacity and ≈ 2n / capacity + 1 of them.
 */
export class KeyedBlocks {
  /** Numbers per member in `GroupValues`. */
  private readonly L: number;
  /** Entry slots per block (capacity + the most a merge can add before the split that follows). */
  private readonly S: number;
  private readonly capacity: number;
  private readonly minimum: number;
  private count = 0;

  // ---- blocks in order: position p holds block seq[p], whose members are ≥ (lowKey[p], lowOrder[p])
  private seq = new Int32Array(16);
  private lowKey = new Float64Array(16);
  private lowOrder = new Float64Array(16);
  private blocks = 0;
  /**
   * Per group of 2^groupShift positions: the maxima of its blocks' maxima (L per group). Raised
   * with every member that joins; recomputed from the group's blocks when a block's maximum falls
   * from the group's, and from the changed position on when blocks split or merge.
   */
  private superMax = new Float64Array(0);
  /**
   * log2 of the blocks per group: about the square root of the number of blocks (16 up to 256
   * blocks, ≈ 12,000 members), so that a search reads about as many groups as blocks in one group
   * — at 100,000 members, 44 groups of 64 rather than 175 of 16.
   */
  private groupShift: number;
  private readonly minGroupShift: number;

  // ---- per block id
  private len = new Int32Array(0);
  /** Position in `seq`. */
  private blockPosition = new Int32Array(0);
  /** Maxima of the members' values (L per block), −∞ while empty. */
  private max = new Float64Array(0);
  /** How many members hold each maximum. */
  private atMax = new Int32Array(0);
  /**
   * Per value, the largest value below the maximum among the members (−∞ when none), or NaN when
   * unknown, and how many members hold it. When the last holder of a maximum leaves, a known
   * second value becomes the maximum without a scan (and the new second is unknown): best-fit
   * takes from the member that fits, which in a block of nearly full nodes is usually the one at
   * the maximum, so a scan of the block per such removal was most of the removals' cost.
   */
  private second = new Float64Array(0);
  private atSecond = new Int32Array(0);
  private readonly freeBlocks: number[] = [];
  /**
   * Scratch for `remove`: the values whose maximum its member held alone with no known second
   * value (to recompute), and per value the maximum its member held alone (NaN otherwise).
   */
  private readonly stale: Int32Array;
  private readonly staleMax: Float64Array;
  private usedBlocks = 0;

  // ---- per entry (block id · S + position in block)
  private entryKey = new Float64Array(0);
  private entryOrder = new Float64Array(0);
  private entryMember = new Int32Array(0);
  /** The member's own values, L per entry. */
  private entryValues = new Float64Array(0);

  // ---- per member (a local index, reused after removal)
  private members: (IndexedNode | undefined)[] = [];
  private memberKey = new Float64Array(0);
  private blockOf = new Int32Array(0);
  private positionOf = new Int32Array(0);
  /** Local index by node slot, −1 when absent. */
  private localOf = new Int32Array(0);
  private readonly freeLocals: number[] = [];
  private usedLocals = 0;

  /** `capacity` and `minGroupShift`: smaller than the defaults only in tests, to reach splits, merges and group changes with few members. */
  constructor(
    readonly values: GroupValues,
    capacity: number = DEFAULT_CAPACITY,
    minGroupShift: number = MIN_GROUP_SHIFT,
  ) {
    if (!(capacity >= 2)) throw new Error('fairpack internal error: a block holds at least two members');
    this.L = values.length;
    this.minGroupShift = minGroupShift;
    this.groupShift = minGroupShift;
    this.capacity = capacity;
    this.minimum = Math.max(1, Math.floor(capacity / 8));
    this.S = capacity + this.minimum + 1;
    this.stale = new Int32Array(this.L);
    this.staleMax = new Float64Array(this.L).fill(Number.NaN);
    this.seq[0] = this.newBlock();
    this.lowKey[0] = -Infinity;
    this.lowOrder[0] = -Infinity;
    this.blocks = 1;
    this.superMax = new Float64Array(this.seq.length * this.L).fill(-Infinity);
  }

  get size(): number {
    return this.count;
  }

  key(i: number): number {
    return this.memberKey[i] as number;
  }

  node(i: number): IndexedNode {
    return this.members[i] as IndexedNode;
  }

  /** Adds `node` (not a member yet) under `key`. */
  insert(node: IndexedNode, key: number): void {
    const t = this.allocateLocal(node);
    this.memberKey[t] = key;
    const order = node.order;
    // the last position whose low bound is ≤ (key, order); position 0 has −∞
    let lo = 0;
    let hi = this.blocks - 1;
    const lowKey = this.lowKey;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const k = lowKey[mid] as number;
      if (k < key || (k === key && (this.lowOrder[mid] as number) <= order)) lo = mid;
      else hi = mid - 1;
    }
    const b = this.seq[lo] as number;
    const i = this.len[b] as number;
    const e = b * this.S + i;
    this.entryKey[e] = key;
    this.entryOrder[e] = order;
    this.entryMember[e] = t;
    this.values.write(node.free, this.entryValues, e * this.L);
    this.blockOf[t] = b;
    this.positionOf[t] = i;
    this.len[b] = i + 1;
    this.raise(b, e);
    const groupAt = ((this.blockPosition[b] as number) >> this.groupShift) * this.L;
    const superMax = this.superMax;
    const values = this.entryValues;
    for (let j = 0; j < this.L; j++) {
      const v = values[e * this.L + j] as number;
      if (v > (superMax[groupAt + j] as number)) superMax[groupAt + j] = v;
    }
    this.count++;
    if (i + 1 > this.capacity) this.split(lo);
  }

  /** Removes `node` (a member). */
  remove(node: IndexedNode): void {
    const t = node.slot < this.localOf.length ? (this.localOf[node.slot] as number) : NIL;
    if (t === NIL || this.members[t] !== node) throw new Error(`fairpack internal error: node ${node.id} is not in the blocks`);
    const b = this.blockOf[t] as number;
    const i = this.positionOf[t] as number;
    const S = this.S;
    const L = this.L;
    const e = b * S + i;
    const last = this.len[b] as number - 1;
    // the maxima it held: one member fewer at each; those it held alone fall to the second value
    // where that is known, else they are found again below (`stale`, with the old maximum)
    const values = this.entryValues;
    const max = this.max;
    const atMax = this.atMax;
    const second = this.second;
    const atSecond = this.atSecond;
    const stale = this.stale;
    const staleMax = this.staleMax;
    let staleCount = 0;
    let fell = false;
    for (let j = 0; j < L; j++) {
      const v = values[e * L + j] as number;
      const bj = b * L + j;
      if (v === max[bj]) {
        const left = (atMax[bj] as number) - 1;
        atMax[bj] = left;
        if (left > 0) continue;
        staleMax[j] = v;
        const below = second[bj] as number;
        if (below === below) {
          // known: it is the new maximum, and the value below it is not
          max[bj] = below;
          atMax[bj] = atSecond[bj] as number;
          second[bj] = Number.NaN;
          fell = true;
        } else stale[staleCount++] = j;
      } else if (v === second[bj]) {
        const left = (atSecond[bj] as number) - 1;
        atSecond[bj] = left;
        if (left === 0) second[bj] = Number.NaN;
      }
    }
    if (i !== last) this.moveEntry(b * S + last, b, i);
    this.len[b] = last;
    if (staleCount > 0) this.recomputeValues(b, staleCount);
    if (fell || staleCount > 0) {
      const q = (this.blockPosition[b] as number) >> this.groupShift;
      for (let j = 0; j < L; j++) {
        const old = staleMax[j] as number;
        if (old !== old) continue; // NaN: this maximum did not lose its last holder
        staleMax[j] = Number.NaN;
        // the group's maximum falls only if this block held it
        if ((max[b * L + j] as number) < old && old === this.superMax[q * L + j]) this.groupValue(q, j);
      }
    }
    this.members[t] = undefined;
    this.localOf[node.slot] = NIL;
    this.freeLocals.push(t);
    this.count--;
    if (last < this.minimum && this.blocks > 1) this.mergeAt(this.blockPosition[b] as number);
  }

  /**
   * First member (in key order) with lowKey ≤ key (< if strict) ≤ highKey that fits and is
   * accepted, as a local index, or −1. Fitting is judged by the tests `values.tests(request)` set.
   */
  findFirst(accept: ((node: IndexedNode) => boolean) | undefined, lowKey: number, strict: boolean, highKey: number): number {
    const { testAt, testMin, testCount } = this.values;
    const L = this.L;
    const S = this.S;
    const max = this.max;
    const superMax = this.superMax;
    const values = this.entryValues;
    const keys = this.entryKey;
    const orders = this.entryOrder;
    const bounds = this.lowKey;
    const blocks = this.blocks;
    const shift = this.groupShift;
    // members with key lowKey may sit in the block before the first whose bound is ≥ lowKey
    let p = this.lastBelow(lowKey);
    while (p < blocks) {
      if ((bounds[p] as number) > highKey) return NIL;
      const q = p >> shift;
      const groupEnd = Math.min((q + 1) << shift, blocks);
      let passes = true;
      for (let n = 0; n < testCount && passes; n++) if ((superMax[q * L + (testAt[n] as number)] as number) < (testMin[n] as number)) passes = false;
      if (!passes) {
        p = groupEnd;
        continue;
      }
      for (; p < groupEnd; p++) {
        if ((bounds[p] as number) > highKey) return NIL;
        const b = this.seq[p] as number;
        passes = (this.len[b] as number) > 0;
        for (let n = 0; n < testCount && passes; n++) if ((max[b * L + (testAt[n] as number)] as number) < (testMin[n] as number)) passes = false;
        if (!passes) continue;
        // the least (key, order) among the block's fitting members within the bounds
        let best = NIL;
        let bestKey = Infinity;
        let bestOrder = Infinity;
        const end = b * S + (this.len[b] as number);
        for (let e = b * S; e < end; e++) {
          const key = keys[e] as number;
          if (key > bestKey || key > highKey || key < lowKey || (strict && key === lowKey)) continue;
          const order = orders[e] as number;
          if (key === bestKey && order > bestOrder) continue;
          let fits = true;
          for (let n = 0; n < testCount; n++) {
            if ((values[e * L + (testAt[n] as number)] as number) < (testMin[n] as number)) {
              fits = false;
              break;
            }
          }
          if (!fits) continue;
          const member = this.entryMember[e] as number;
          if (accept !== undefined && !accept(this.members[member] as IndexedNode)) continue;
          best = member;
          bestKey = key;
          bestOrder = order;
        }
        if (best !== NIL) return best;
      }
    }
    return NIL;
  }

  /** `findFirst` without a low bound. */
  findFirstFromStart(accept: ((node: IndexedNode) => boolean) | undefined, highKey: number): number {
    return this.findFirst(accept, -Infinity, false, highKey);
  }

  /** The smallest key greater than `key` among all members (fitting or not), or NaN. */
  successorKey(key: number): number {
    for (let p = this.lastBelow(key); p < this.blocks; p++) {
      const b = this.seq[p] as number;
      let next = Infinity;
      const end = b * this.S + (this.len[b] as number);
      for (let e = b * this.S; e < end; e++) {
        const k = this.entryKey[e] as number;
        if (k > key && k < next) next = k;
      }
      // every member of a later block is at or after this block's members in order
      if (next !== Infinity) return next;
    }
    return Number.NaN;
  }

  /**
   * Could any member fit? Only whether there are members: `findFirst` rules a group out as fast
   * as a test here would (it starts with the same bounds), so testing them first would be paid twice.
   */
  mayFit(): boolean {
    return this.count > 0;
  }

  /** For self-checks: the first member in order (undefined when empty). */
  first(): IndexedNode | undefined {
    return this.inOrder()[0]?.node;
  }

  /** For self-checks: members in order, with their keys. */
  inOrder(): { node: IndexedNode; key: number }[] {
    const out: { node: IndexedNode; key: number; order: number }[] = [];
    for (let p = 0; p < this.blocks; p++) {
      const b = this.seq[p] as number;
      const block: { node: IndexedNode; key: number; order: number }[] = [];
      for (let i = 0; i < (this.len[b] as number); i++) {
        const e = b * this.S + i;
        block.push({ node: this.members[this.entryMember[e] as number] as IndexedNode, key: this.entryKey[e] as number, order: this.entryOrder[e] as number });
      }
      block.sort((x, y) => x.key - y.key || x.order - y.order);
      out.push(...block);
    }
    return out.map(({ node, key }) => ({ node, key }));
  }

  /**
   * For self-checks: every member lies in its block's range of (key, order), its local index,
   * block and position agree, its stored values match its free vector, every block's maxima and
   * their counts and every group's maxima are current; blocks are within their size bounds.
   */
  check(): boolean {
    const { L, S } = this;
    let total = 0;
    const fresh = new Float64Array(L);
    for (let p = 0; p < this.blocks; p++) {
      if (p > 0 && !before(this.lowKey[p - 1] as number, this.lowOrder[p - 1] as number, this.lowKey[p] as number, this.lowOrder[p] as number)) return false;
      const b = this.seq[p] as number;
      const n = this.len[b] as number;
      if (n > this.capacity || (this.blocks > 1 && n < this.minimum)) return false;
      total += n;
      const expected = new Float64Array(L).fill(-Infinity);
      const counts = new Int32Array(L);
      const below = new Float64Array(L).fill(-Infinity);
      const belowCounts = new Int32Array(L);
      for (let i = 0; i < n; i++) {
        const e = b * S + i;
        const t = this.entryMember[e] as number;
        const node = this.members[t];
        const key = this.entryKey[e] as number;
        const order = this.entryOrder[e] as number;
        if (node === undefined || this.localOf[node.slot] !== t || this.blockOf[t] !== b || this.positionOf[t] !== i) return false;
        if (order !== node.order || this.memberKey[t] !== key) return false;
        if (before(key, order, this.lowKey[p] as number, this.lowOrder[p] as number)) return false;
        if (p + 1 < this.blocks && !before(key, order, this.lowKey[p + 1] as number, this.lowOrder[p + 1] as number)) return false;
        this.values.write(node.free, fresh, 0);
        for (let j = 0; j < L; j++) {
          const v = fresh[j] as number;
          if (this.entryValues[e * L + j] !== v) return false;
          if (v > (expected[j] as number)) {
            below[j] = expected[j] as number;
            belowCounts[j] = counts[j] as number;
            expected[j] = v;
            counts[j] = 1;
          } else if (v === expected[j]) counts[j] = (counts[j] as number) + 1;
          else if (v > (below[j] as number)) {
            below[j] = v;
            belowCounts[j] = 1;
          } else if (v === below[j]) belowCounts[j] = (belowCounts[j] as number) + 1;
        }
      }
      if (this.blockPosition[b] !== p) return false;
      for (let j = 0; j < L; j++) {
        if (this.max[b * L + j] !== expected[j] || this.atMax[b * L + j] !== counts[j]) return false;
        // a second value is exact or unknown (NaN), never wrong
        const kept = this.second[b * L + j] as number;
        if (kept === kept && (kept !== below[j] || this.atSecond[b * L + j] !== belowCounts[j])) return false;
      }
    }
    // every group's maxima are its blocks' maxima
    const shift = this.groupShift;
    if (shift !== groupShiftFor(this.blocks, this.minGroupShift)) return false;
    for (let q = 0; q << shift < this.blocks; q++) {
      for (let j = 0; j < L; j++) {
        let m = -Infinity;
        for (let p = q << shift; p < Math.min((q + 1) << shift, this.blocks); p++) m = Math.max(m, this.max[(this.seq[p] as number) * L + j] as number);
        if (this.superMax[q * L + j] !== m) return false;
      }
    }
    return total === this.count;
  }

  /** The last position whose low bound's key is below `key` (members with that key start there at the earliest), or 0. */
  private lastBelow(key: number): number {
    let lo = 0;
    let hi = this.blocks - 1;
    const lowKey = this.lowKey;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lowKey[mid] as number) < key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Takes the maxima of block b up to cover entry e's values. */
  private raise(b: number, e: number): void {
    const L = this.L;
    for (let j = 0; j < L; j++) this.include(b * L + j, this.entryValues[e * L + j] as number);
  }

  /**
   * Counts value v into the block maximum at bj and the value below it. A new maximum makes the
   * old one exactly the value below (−∞ with its count 0 when empty); a value under the maximum
   * may be the new value below (an unknown one, NaN, stays unknown: no comparison with it holds).
   */
  private include(bj: number, v: number): void {
    const m = this.max[bj] as number;
    if (v > m) {
      this.second[bj] = m;
      this.atSecond[bj] = this.atMax[bj] as number;
      this.max[bj] = v;
      this.atMax[bj] = 1;
    } else if (v === m) this.atMax[bj] = (this.atMax[bj] as number) + 1;
    else {
      const below = this.second[bj] as number;
      if (v > below) {
        this.second[bj] = v;
        this.atSecond[bj] = 1;
      } else if (v === below) this.atSecond[bj] = (this.atSecond[bj] as number) + 1;
    }
  }

  /**
   * Block b's maxima of the values `stale[0 … count)`, and their counts, from its members: one
   * pass over the block's rows for all of them (a removal often leaves two or three stale, e.g.
   * a free amount and the coupled bounds built on it; a pass per value read every row again).
   */
  private recomputeValues(b: number, count: number): void {
    const L = this.L;
    const values = this.entryValues;
    const max = this.max;
    const atMax = this.atMax;
    const second = this.second;
    const atSecond = this.atSecond;
    const stale = this.stale;
    for (let k = 0; k < count; k++) {
      const bj = b * L + (stale[k] as number);
      max[bj] = -Infinity;
      atMax[bj] = 0;
      second[bj] = -Infinity;
      atSecond[bj] = 0;
    }
    const end = b * this.S + (this.len[b] as number);
    for (let e = b * this.S; e < end; e++) {
      for (let k = 0; k < count; k++) {
        const j = stale[k] as number;
        this.include(b * L + j, values[e * L + j] as number);
      }
    }
  }

  /** Block b's maxima and second values, with their counts, from its members. */
  private recompute(b: number): void {
    this.clearMaxima(b);
    const start = b * this.S;
    const end = start + (this.len[b] as number);
    for (let e = start; e < end; e++) this.raise(b, e);
  }

  /** Block b's maxima and values below them: −∞, held by no member. */
  private clearMaxima(b: number): void {
    const L = this.L;
    this.max.fill(-Infinity, b * L, b * L + L);
    this.atMax.fill(0, b * L, b * L + L);
    this.second.fill(-Infinity, b * L, b * L + L);
    this.atSecond.fill(0, b * L, b * L + L);
  }

  /** Copies entry `from` to position i of block b (its member's block and position follow). */
  private moveEntry(from: number, b: number, i: number): void {
    const L = this.L;
    const to = b * this.S + i;
    const t = this.entryMember[from] as number;
    this.entryKey[to] = this.entryKey[from] as number;
    this.entryOrder[to] = this.entryOrder[from] as number;
    this.entryMember[to] = t;
    const values = this.entryValues;
    for (let j = 0; j < L; j++) values[to * L + j] = values[from * L + j] as number;
    this.blockOf[t] = b;
    this.positionOf[t] = i;
  }

  /** Splits the block at position p into two halves of its members in (key, order). */
  private split(p: number): void {
    const b = this.seq[p] as number;
    const S = this.S;
    const n = this.len[b] as number;
    const sorted = Array.from({ length: n }, (_, i) => b * S + i).sort(
      (x, y) => (this.entryKey[x] as number) - (this.entryKey[y] as number) || (this.entryOrder[x] as number) - (this.entryOrder[y] as number),
    );
    // the block's entries in order, copied out first: the rewrite below overwrites them
    const keep = n >> 1;
    const c = this.newBlock();
    const scratch = this.newBlock();
    for (let i = 0; i < n; i++) this.moveEntry(sorted[i] as number, scratch, i);
    for (let i = 0; i < keep; i++) this.moveEntry(scratch * S + i, b, i);
    for (let i = keep; i < n; i++) this.moveEntry(scratch * S + i, c, i - keep);
    this.len[b] = keep;
    this.len[c] = n - keep;
    this.freeBlocks.push(scratch);
    this.recompute(b);
    this.recompute(c);
    this.insertPosition(p + 1, c, this.entryKey[c * S] as number, this.entryOrder[c * S] as number);
    // insertPosition redoes the groups from p + 1's on; block b (at p) lost half its members, and
    // when p ends its group (a split at a group boundary) that group's maxima must fall with it
    this.tightenGroup(p >> this.groupShift);
  }

  /** Merges the (too small) block at position p into a neighbour, splitting the result if too large. */
  private mergeAt(p: number): void {
    // into the block before it (its range simply extends), or the block after it into it when first
    const into = p > 0 ? p - 1 : p;
    const from = into + 1;
    const a = this.seq[into] as number;
    const b = this.seq[from] as number;
    let n = this.len[a] as number;
    const m = this.len[b] as number;
    for (let i = 0; i < m; i++) {
      this.moveEntry(b * this.S + i, a, n);
      this.raise(a, a * this.S + n);
      n++;
    }
    this.len[a] = n;
    this.len[b] = 0;
    this.removePosition(from);
    // removePosition redoes the groups from `from`'s on; when `into` ends the group before (a
    // merge across a group boundary), its group's maxima must take the members it just gained
    this.tightenGroup(into >> this.groupShift);
    this.freeBlocks.push(b);
    if (n > this.capacity) this.split(into);
  }

  private insertPosition(p: number, b: number, key: number, order: number): void {
    if (this.blocks === this.seq.length) {
      this.seq = grow(this.seq, 2 * this.seq.length);
      this.lowKey = grow(this.lowKey, 2 * this.lowKey.length);
      this.lowOrder = grow(this.lowOrder, 2 * this.lowOrder.length);
    }
    this.seq.copyWithin(p + 1, p, this.blocks);
    this.lowKey.copyWithin(p + 1, p, this.blocks);
    this.lowOrder.copyWithin(p + 1, p, this.blocks);
    this.seq[p] = b;
    this.lowKey[p] = key;
    this.lowOrder[p] = order;
    this.blocks++;
    this.positionsChanged(p);
  }

  /** Drops position p; the block before takes its range (position 0 keeps −∞). */
  private removePosition(p: number): void {
    this.seq.copyWithin(p, p + 1, this.blocks);
    this.lowKey.copyWithin(p, p + 1, this.blocks);
    this.lowOrder.copyWithin(p, p + 1, this.blocks);
    this.blocks--;
    this.lowKey[0] = -Infinity;
    this.lowOrder[0] = -Infinity;
    this.positionsChanged(p);
  }

  /** Blocks from position p on moved: their positions, and the maxima of the groups from p's on (of every group when the group size changes). */
  private positionsChanged(p: number): void {
    for (let i = p; i < this.blocks; i++) this.blockPosition[this.seq[i] as number] = i;
    // grown with its contents: the groups before p's keep their maxima (only those from p's on are redone below)
    if (this.superMax.length < this.seq.length * this.L) this.superMax = grow(this.superMax, this.seq.length * this.L);
    const shift = groupShiftFor(this.blocks, this.minGroupShift);
    const from = shift === this.groupShift ? p >> shift : 0;
    this.groupShift = shift;
    const groups = (this.blocks + (1 << shift) - 1) >> shift;
    for (let q = from; q < groups; q++) this.tightenGroup(q);
  }

  /** Group q's maximum of value j from its blocks'. */
  private groupValue(q: number, j: number): void {
    const L = this.L;
    let m = -Infinity;
    const end = Math.min((q + 1) << this.groupShift, this.blocks);
    for (let p = q << this.groupShift; p < end; p++) {
      const v = this.max[(this.seq[p] as number) * L + j] as number;
      if (v > m) m = v;
    }
    this.superMax[q * L + j] = m;
  }

  /** Group q's maxima, exactly, from its blocks'. */
  private tightenGroup(q: number): void {
    for (let j = 0; j < this.L; j++) this.groupValue(q, j);
  }

  /** A block id with room for S entries (reusing freed ones), empty, maxima −∞. */
  private newBlock(): number {
    const b = this.freeBlocks.pop() ?? this.usedBlocks++;
    const { L, S } = this;
    if (b >= this.len.length) {
      const blocks = Math.max(8, 2 * this.len.length);
      this.len = grow(this.len, blocks);
      this.blockPosition = grow(this.blockPosition, blocks);
      this.max = grow(this.max, blocks * L);
      this.atMax = grow(this.atMax, blocks * L);
      this.second = grow(this.second, blocks * L);
      this.atSecond = grow(this.atSecond, blocks * L);
      this.entryKey = grow(this.entryKey, blocks * S);
      this.entryOrder = grow(this.entryOrder, blocks * S);
      this.entryMember = grow(this.entryMember, blocks * S);
      this.entryValues = grow(this.entryValues, blocks * S * L);
    }
    this.len[b] = 0;
    this.clearMaxima(b);
    return b;
  }

  /** A local index for a new member (reusing freed ones), with room in every array. */
  private allocateLocal(node: IndexedNode): number {
    if (node.slot < this.localOf.length && this.localOf[node.slot] !== NIL) throw new Error(`fairpack internal error: node ${node.id} is already in the blocks`);
    const t = this.freeLocals.pop() ?? this.usedLocals++;
    if (t >= this.memberKey.length) {
      const size = Math.max(16, 2 * this.memberKey.length);
      this.memberKey = grow(this.memberKey, size);
      this.blockOf = grow(this.blockOf, size);
      this.positionOf = grow(this.positionOf, size);
    }
    if (node.slot >= this.localOf.length) this.localOf = grow(this.localOf, Math.max(16, node.slot + 1, 2 * this.localOf.length), NIL);
    this.localOf[node.slot] = t;
    this.members[t] = node;
    return t;
  }
}

/** log2 of the blocks per group for `blocks` blocks: half the bits of their number, at least `least`. */
function groupShiftFor(blocks: number, least: number): number {
  return Math.max(least, Math.ceil(Math.log2(Math.max(blocks, 1)) / 2));
}

/** (k1, o1) strictly before (k2, o2). */
function before(k1: number, o1: number, k2: number, o2: number): boolean {
  return k1 < k2 || (k1 === k2 && o1 < o2);
}
