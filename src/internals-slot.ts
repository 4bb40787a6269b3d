/**
 * A place on an instance for what fairpack's own layers read beyond its public API (the manager
 * reads a pool's books, fairpack/testing a manager's): a non-enumerable property under a registry
 * symbol, so it is on no public type and every copy of the library (ESM, CJS, fairpack/testing's)
 * finds it.
 */
export function internalsSlot<T>(key: string, what: string): { attach(instance: object, internals: T): void; read(instance: object): T } {
  const symbol = Symbol.for(key);
  return {
    attach(instance, internals) {
      Object.defineProperty(instance, symbol, { value: internals });
    },
    read(instance) {
      const internals = (instance as Record<symbol, T | undefined>)[symbol];
      if (internals === undefined) throw new TypeError(`Expected a fairpack ${what}.`);
      return internals;
    },
  };
}
