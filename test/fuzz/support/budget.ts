import type fc from 'fast-check';

/*
 * How hard the fuzzers try. `npm test` runs every fuzzer at its small default budget (the whole
 * test/fuzz directory adds well under 30 s on a 2-core machine); FAIRPACK_FUZZ_SCALE=N multiplies
 * every budget by N (`npm run test:fuzz` uses 30). FAIRPACK_FUZZ_SEED pins fast-check's seed to
 * replay a failure: fast-check prints the seed and path of any counterexample it finds.
 */

function positiveInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

function integer(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The budget multiplier: 1 unless FAIRPACK_FUZZ_SCALE says otherwise. */
export const FUZZ_SCALE = positiveInteger('FAIRPACK_FUZZ_SCALE') ?? 1;

/** The pinned seed, if any. */
export const FUZZ_SEED = integer('FAIRPACK_FUZZ_SEED');

/** A count (runs, requests, lines) at the current scale. */
export function scaled(defaultCount: number): number {
  return defaultCount * FUZZ_SCALE;
}

/** fast-check parameters for a fuzzer whose default is `defaultRuns` runs. */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  return { numRuns: scaled(defaultRuns), ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) };
}

/** A test timeout that grows with the budget (the default one suits the default budget). */
export function fuzzTimeout(defaultMs: number): number {
  return defaultMs * FUZZ_SCALE;
}
