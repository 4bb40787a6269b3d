import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapacityGroup, DenseRequest } from 'fairpack';
import { SEARCH_RATIOS, UPDATE_RATIOS } from '../../src/placement/index/coupled-bounds.js';
import { GroupValues } from '../../src/placement/index/group-values.js';
import { propertyRuns } from '../support.js';

// The numbers a tree keeps per member of a capacity group, and the tests a request sets on them.
// The one property that matters for exactness: a member that fits the request passes every test
// (a subtree is only ever skipped when none of its members fits), whatever the ratios kept.

/** A {cpu 64, memory 256, gpu 8} group (scale 1000), or one with a fourth dimension. */
const group3: CapacityGroup = { id: 0, dims: [0, 1, 2], capacity: [64, 256, 8], capacityDense: Float64Array.from([64_000, 256_000, 8000]) };
const group4: CapacityGroup = { id: 1, dims: [0, 1, 2, 3], capacity: [64, 256, 8, 100], capacityDense: Float64Array.from([64_000, 256_000, 8000, 100_000]) };

function denseRequest(amounts: readonly number[]): DenseRequest {
  return { amounts, unscaled: amounts.map((a) => a / 1000), nonZero: amounts.flatMap((a, d) => (a > 0 ? [d] : [])) };
}

/** Whether the values written for `free` pass the tests `values.tests(request)` set. */
function passes(values: GroupValues, free: readonly number[]): boolean {
  const row = new Float64Array(values.length);
  values.write(free, row, 0);
  for (let i = 0; i < values.testCount; i++) {
    if ((row[values.testAt[i] as number] as number) < (values.testMin[i] as number)) return false;
  }
  return true;
}

describe('GroupValues and its coupled bounds', () => {
  it('keeps the search ratios for the leading pair only: {cpu, memory, gpu} holds 3 amounts + 3 + 1 + 1 bounds', () => {
    // pairs (cpu, memory) × 3 ratios, (cpu, gpu) × 1, (memory, gpu) × 1: 8 numbers, where every
    // pair with every ratio made 12 (each one recomputed on every update of every member)
    expect(new GroupValues(group3, { ratios: SEARCH_RATIOS }).length).toBe(3 + 3 + 1 + 1);
    expect(new GroupValues(group3, { ratios: UPDATE_RATIOS }).length).toBe(3 + 3);
    // four dimensions: 6 pairs, the first with three ratios
    expect(new GroupValues(group4, { ratios: SEARCH_RATIOS }).length).toBe(4 + 3 + 5);
  });

  it('never rules out a member that fits (3 and 4 dimensions, search and update ratios)', () => {
    // free amounts in half units (scale 1000), up to twice a capacity (clamped below)
    const vector = fc.array(fc.integer({ min: 0, max: 512 }).map((v): number => v * 500), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.constantFrom(group3, group4),
        fc.constantFrom(SEARCH_RATIOS, UPDATE_RATIOS),
        fc.infiniteStream(vector),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (group, ratios, frees, shares) => {
          const values = new GroupValues(group, { ratios });
          const width = group.dims.length;
          for (let round = 0; round < 20; round++) {
            const free = frees.next().value.slice(0, width).map((v: number, d: number): number => Math.min(v, group.capacityDense[d] as number));
            // a request no larger than `free` in any dimension (some dimensions zero)
            const request = free.map((f: number): number => {
              const share = shares.next().value;
              return share < 0.25 ? 0 : Math.floor((f * share) / 500) * 500;
            });
            values.tests(denseRequest(request));
            expect(passes(values, free)).toBe(true);
          }
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });

  it('rules out a member short in a coupled direction, which per-dimension maxima cannot', () => {
    const values = new GroupValues(group3, { ratios: SEARCH_RATIOS });
    // request 8 cpu + 32 GiB: normalised 0.125 / 0.125, ratio 1 → bound min(cpu/64, memory/256) ≥ 0.125
    values.tests(denseRequest([8000, 32_000, 0]));
    // a subtree whose maxima are cpu 64 (one empty-cpu member) and memory 256 (another), but no
    // member with both: its coupled maximum is what one member reaches, here min(1, 16/256) = 0.0625
    const row = new Float64Array(values.length);
    values.write([64_000, 16_000, 8000], row, 0);
    row[1] = 256_000; // the memory maximum comes from another member
    let failed = false;
    for (let i = 0; i < values.testCount; i++) if ((row[values.testAt[i] as number] as number) < (values.testMin[i] as number)) failed = true;
    expect(failed).toBe(true);
  });
});
