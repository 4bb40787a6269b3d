/**
 * A frozen object with the `fixed` fields and, for each of `keys`, an enumerable getter that reads
 * `compute()`'s result — worked out once, on the first read. Used for explanations that scan every
 * node: code that never reads them never pays for them.
 */
export function withLazyFields<F extends object, C extends object, K extends keyof C>(fixed: F, keys: readonly K[], compute: () => C): Readonly<F & Pick<C, K>> {
  let computed: C | undefined;
  const out = { ...fixed } as F & Pick<C, K>;
  for (const key of keys) {
    Object.defineProperty(out, key, { enumerable: true, get: () => (computed ??= compute())[key] });
  }
  return Object.freeze(out);
}
