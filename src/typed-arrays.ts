/**
 * A larger copy of a typed array: `size` elements, the old ones first, the new ones set to `fill`.
 * The indexes and the pool's live table grow their columns this way (callers double the size).
 */
export function grow<T extends Int32Array | Float64Array>(array: T, size: number, fill = 0): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}
