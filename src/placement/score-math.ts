import { FairpackError, describeValue } from '../errors.js';
import { isPlainRecord } from '../resources/index.js';
import type { CapacityGroup, DenseRequest, DimensionWeights, IndexSpace, NodeView, ScoringOptions } from './strategy.js';

/*
 * The built-in scores, written once for a NodeView (what `score` sees) and once for the dense
 * internal form (what the indexes see). Both perform the same floating-point operations in the
 * same order — dimensions in pool order, unscaled amounts — so they return identical doubles and
 * the indexes agree with a brute-force scan bit for bit:
 *
 *   slack(node)      = Σ_d w_d · (free_d / cap_d)
 *   demand(node,req) = Σ_d w_d · (req_d / cap_d)
 *   best-fit  score  = −(slack − demand)     (least leftover wins)
 *   worst-fit score  =   slack − demand      (most leftover wins)
 *   alignment        = Σ_d (w_d · (req_d / cap_d)) · (free_d / cap_d)   (dot-product)
 *
 * Within one capacity group `demand` is the same for every node, and x ↦ fl(x − c) is monotone,
 * so ordering a group by `slack` orders it by score.
 */

export function validateWeights(strategy: string, options: ScoringOptions | undefined): DimensionWeights {
  const weights = options?.weights;
  if (weights === undefined) return {};
  if (!isPlainRecord(weights)) {
    throw new FairpackError('INVALID_OPTION', `Expected ${strategy} \`weights\` to be an object of dimension → number, got ${describeValue(weights)}.`, { strategy });
  }
  for (const [dimension, weight] of Object.entries(weights)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new FairpackError(
        'INVALID_OPTION',
        `Expected ${strategy} weight for "${dimension}" to be a finite number >= 0, got ${describeValue(weight)}. Use 1 for the default weight.`,
        { strategy, dimension, value: weight },
      );
    }
  }
  return Object.freeze({ ...weights });
}

function weightOf(weights: DimensionWeights, dimension: string): number {
  return Object.hasOwn(weights, dimension) ? (weights[dimension] as number) : 1;
}

export function denseWeights(weights: DimensionWeights, space: IndexSpace): Float64Array {
  return Float64Array.from(space.dimensions, (dimension) => weightOf(weights, dimension));
}

// ---- views --------------------------------------------------------------------------------------

export function viewSlack(node: NodeView, weights: DimensionWeights): number {
  let sum = 0;
  for (const d of Object.keys(node.capacity)) {
    sum += weightOf(weights, d) * ((node.available[d] ?? 0) / (node.capacity[d] as number));
  }
  return sum;
}

export function viewDemand(node: NodeView, request: Readonly<Record<string, number>>, weights: DimensionWeights): number {
  let sum = 0;
  for (const d of Object.keys(node.capacity)) {
    const amount = Object.hasOwn(request, d) ? (request[d] as number) : 0;
    sum += weightOf(weights, d) * (amount / (node.capacity[d] as number));
  }
  return sum;
}

export function viewAlignment(node: NodeView, request: Readonly<Record<string, number>>, weights: DimensionWeights): number {
  let sum = 0;
  for (const d of Object.keys(node.capacity)) {
    const cap = node.capacity[d] as number;
    const amount = Object.hasOwn(request, d) ? (request[d] as number) : 0;
    sum += weightOf(weights, d) * (amount / cap) * ((node.available[d] ?? 0) / cap);
  }
  return sum;
}

// ---- dense --------------------------------------------------------------------------------------

export function denseSlack(group: CapacityGroup, free: Float64Array, factor: number, w: Float64Array): number {
  let sum = 0;
  const { dims, capacity } = group;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i] as number;
    sum += (w[d] as number) * ((free[d] as number) / factor / (capacity[i] as number));
  }
  return sum;
}

/**
 * `denseSlack` of a request's own scaled amounts, with the same operations in the same order: a
 * node that fits has free ≥ amount on every dimension (and free ≥ 0 on the others), weights are
 * ≥ 0 and every operation here is monotone under rounding, so its slack is at least this — best-fit
 * need not look at keys below it (see SlackIndex.select).
 */
export function denseSlackFloor(group: CapacityGroup, amounts: readonly number[], factor: number, w: Float64Array): number {
  let sum = 0;
  const { dims, capacity } = group;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i] as number;
    sum += (w[d] as number) * ((amounts[d] ?? 0) / factor / (capacity[i] as number));
  }
  return sum;
}

export function denseDemand(group: CapacityGroup, request: DenseRequest, w: Float64Array): number {
  let sum = 0;
  const { dims, capacity } = group;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i] as number;
    sum += (w[d] as number) * ((request.unscaled[d] as number) / (capacity[i] as number));
  }
  return sum;
}

/** Per group dimension i: w_d · req_d / cap_d, the coefficient of free_d / cap_d in the alignment. */
export function alignmentCoefficients(group: CapacityGroup, request: DenseRequest, w: Float64Array, out: Float64Array): void {
  const { dims, capacity } = group;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i] as number;
    out[i] = (w[d] as number) * ((request.unscaled[d] as number) / (capacity[i] as number));
  }
}

/**
 * Σ_i coef_i · (amounts[offset + i] / factor / cap_i), with amounts packed by group dimension (an
 * index's `GroupValues`): the alignment of a member's free amounts, or a bound from a subtree's
 * maxima. The same operations in the same order as `viewAlignment`.
 */
export function packedAlignment(group: CapacityGroup, coef: Float64Array, amounts: ArrayLike<number>, offset: number, factor: number): number {
  let sum = 0;
  const { capacity } = group;
  for (let i = 0; i < capacity.length; i++) {
    sum += (coef[i] as number) * ((amounts[offset + i] as number) / factor / (capacity[i] as number));
  }
  return sum;
}

/** True when the request asks for a dimension the group lacks, or more than a group node holds. */
export function exceedsGroup(group: CapacityGroup, request: DenseRequest): boolean {
  const { nonZero, amounts } = request;
  for (let i = 0; i < nonZero.length; i++) {
    const d = nonZero[i] as number;
    if ((amounts[d] as number) > (group.capacityDense[d] ?? 0)) return true;
  }
  return false;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the low 32-bit word of a double in `words` (0 on little-endian machines). */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** The least double above a finite x (the indexes use it to rule out rounding ties cheaply). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  bits[0] = x;
  const low = words[LOW] as number;
  if (x > 0) {
    // one more unit in the last place of the magnitude
    words[LOW] = (low + 1) >>> 0;
    if (low === 0xffffffff) words[1 - LOW] = ((words[1 - LOW] as number) + 1) >>> 0;
  } else {
    words[LOW] = (low - 1) >>> 0;
    if (low === 0) words[1 - LOW] = ((words[1 - LOW] as number) - 1) >>> 0;
  }
  return bits[0] as number;
}
