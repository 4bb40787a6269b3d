import type { Scale } from '../resources/index.js';
import type { IndexSpace } from '../placement/index.js';

/** Dimension names ↔ dense indices. Dimensions are registered by nodes, never by requests. */
export class DimensionSpace implements IndexSpace {
  readonly dimensions: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(readonly scale: Scale) {}

  get factor(): number {
    return this.scale.factor;
  }

  get size(): number {
    return this.dimensions.length;
  }

  indexOf(name: string): number {
    return this.index.get(name) ?? -1;
  }

  /** Registers the names not seen yet; returns true if any was new. */
  register(names: readonly string[]): boolean {
    let added = false;
    for (const name of names) {
      if (this.index.has(name)) continue;
      this.index.set(name, this.dimensions.length);
      this.dimensions.push(name);
      added = true;
    }
    return added;
  }
}
