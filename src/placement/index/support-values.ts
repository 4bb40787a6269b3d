import type { CapacityGroup } from '../strategy.js';

/** Directions, in degrees, between the two paired dimensions (0° = the first alone, 90° = the second). */
const ANGLES = [0, 15, 30, 45, 60, 75, 90];

/**
 * Support values for the dot-product bound. For the group's first two dimensions (i, j) and each
 * direction θ, a node's value is cos θ · y_i + sin θ · y_j with y = free / factor / cap (the
 * normalised free amounts the alignment score uses). A request's coefficients (u, v) on i and j
 * lie between two neighbouring directions, so u·y_i + v·y_j = α·s_θ1(y) + β·s_θ2(y) with α, β ≥ 0,
 * and a subtree's maxima of s_θ1 and s_θ2 bound that part of the score far more tightly than the
 * per-dimension maxima do (those come from different nodes in a fragmented cluster).
 */
export class SupportValues {
  readonly size: number;
  readonly i: number;
  readonly j: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly scaleI: number;
  private readonly scaleJ: number;

  constructor(group: CapacityGroup, factor: number) {
    this.i = group.dims[0] ?? 0;
    this.j = group.dims[1] ?? 0;
    this.size = group.dims.length >= 2 ? ANGLES.length : 0;
    this.cos = Float64Array.from(ANGLES, (a) => Math.cos((a * Math.PI) / 180));
    this.sin = Float64Array.from(ANGLES, (a) => Math.sin((a * Math.PI) / 180));
    this.scaleI = factor * (group.capacity[0] ?? 1);
    this.scaleJ = factor * (group.capacity[1] ?? 1);
  }

  values(x: ArrayLike<number>, out: Float64Array, offset: number): void {
    if (this.size === 0) return;
    const yi = (x[this.i] as number) / this.scaleI;
    const yj = (x[this.j] as number) / this.scaleJ;
    for (let k = 0; k < this.size; k++) out[offset + k] = (this.cos[k] as number) * yi + (this.sin[k] as number) * yj;
  }

  /**
   * For coefficients (u, v) ≥ 0 on i and j: the two directions k, k + 1 around them and the
   * weights α, β ≥ 0 with (u, v) = α·(cos θk, sin θk) + β·(cos θk+1, sin θk+1).
   */
  decompose(u: number, v: number): { k: number; alpha: number; beta: number } {
    const phi = (Math.atan2(v, u) * 180) / Math.PI;
    let k = 0;
    while (k < ANGLES.length - 2 && phi > (ANGLES[k + 1] as number)) k++;
    const c1 = this.cos[k] as number;
    const s1 = this.sin[k] as number;
    const c2 = this.cos[k + 1] as number;
    const s2 = this.sin[k + 1] as number;
    const det = c1 * s2 - c2 * s1;
    return { k, alpha: Math.max(0, (u * s2 - v * c2) / det), beta: Math.max(0, (v * c1 - u * s1) / det) };
  }
}
