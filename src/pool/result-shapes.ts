import type { Resources } from '../resources/index.js';
import type { Allocation, AllocateResult, ReleaseResult } from './types.js';

/**
 * The frozen results of a successful `allocate` and of `release`, built here and nowhere else so
 * that one instance of each shape can be kept for the life of the module (below).
 *
 * Why keep one: V8 gives every frozen `{ ok, allocation }` the same hidden class (map), reached
 * from the literal's map by a transition that holds it only weakly. A caller that keeps
 * `result.allocation` but drops the result (as a scheduler loop does) leaves no object of that map
 * once the results die, so a full collection frees the map — and with it the optimized code of
 * every function that inlined `allocate` and checked `result.ok` against that map ("weak
 * objects" in `--trace-deopt`). The caller then runs unoptimized and is compiled again, with the
 * pool's allocate path inlined: 3–10 ms of compiler work after each full collection. The placement
 * bench, which forces one before each 4,000-step repetition, charged that to fairpack: 1–2.5 µs
 * per step of its 3–5. A map that always has an instance is never freed, so the code survives.
 */
export function allocated(allocation: Allocation): AllocateResult {
  return Object.freeze({ ok: true, allocation });
}

export function released(allocation: Allocation, freed: Resources): ReleaseResult {
  return Object.freeze({ allocation, freed });
}

const PLACEHOLDER = Object.freeze({}) as unknown as Allocation;

/** One result of each shape, never dropped, so that their maps stay alive (see `allocated`). */
export const KEPT_RESULT_SHAPES: readonly unknown[] = Object.freeze([allocated(PLACEHOLDER), released(PLACEHOLDER, PLACEHOLDER as unknown as Resources)]);
