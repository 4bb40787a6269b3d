/** Where an object made by `withLazyFields` keeps its `compute` and, once read, its result. */
const LAZY_STATE = Symbol('fairpack.lazyFields');

interface LazyState {
  readonly compute: () => object;
  computed: object | undefined;
}

/**
 * One getter per field name, shared by every object: a getter made per object and field (a
 * closure each) gave each object its own hidden class too — a congested simulation's queued
 * submits made 4 closures, 4 descriptors and a class each, 100k times (see test/lazy-fields.test.ts).
 * Field names are fairpack's own constants, never user input.
 */
const descriptors = new Map<PropertyKey, PropertyDescriptor>();

function lazyDescriptor(key: PropertyKey): PropertyDescriptor {
  let descriptor = descriptors.get(key);
  if (descriptor === undefined) {
    descriptor = {
      enumerable: true,
      get(this: { readonly [LAZY_STATE]: LazyState }): unknown {
        const state = this[LAZY_STATE];
        return ((state.computed ??= state.compute()) as Record<PropertyKey, unknown>)[key];
      },
    };
    descriptors.set(key, descriptor);
  }
  return descriptor;
}

/**
 * A frozen object with the `fixed` fields and, for each of `keys`, an enumerable getter that reads
 * `compute()`'s result — worked out once, on the first read. Used for explanations that scan every
 * node: code that never reads them never pays for them. `fixed` is a fresh literal of the caller's:
 * it becomes the object (it is not copied).
 */
export function withLazyFields<F extends object, C extends object, K extends keyof C>(fixed: F, keys: readonly K[], compute: () => C): Readonly<F & Pick<C, K>> {
  const state: LazyState = { compute, computed: undefined };
  Object.defineProperty(fixed, LAZY_STATE, { value: state });
  for (let i = 0; i < keys.length; i++) Object.defineProperty(fixed, keys[i] as K, lazyDescriptor(keys[i] as K));
  return Object.freeze(fixed) as Readonly<F & Pick<C, K>>;
}
