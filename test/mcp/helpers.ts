import { AllocationTools, type AllocationToolsOptions } from '../../src/mcp/index.js';

/** The seed's examples happen at 2025-12-08T19:00:00Z. */
export const SEED_START = Date.parse('2025-12-08T19:00:00Z');

/**
 * The seed's tools on the seed's default cluster (16 cpu, 32768 MB, 10 workers) with a clock
 * moved by hand and ids alloc-001, alloc-002, … in order.
 */
export function seedTools(options: AllocationToolsOptions = {}) {
  let now = SEED_START;
  let next = 0;
  const tools = new AllocationTools({ now: () => now, newAllocationId: () => `alloc-${String(++next).padStart(3, '0')}`, ...options });
  return {
    tools,
    /** Moves the clock forward. */
    advance(seconds: number): void {
      now += seconds * 1000;
    },
  };
}

/** A JSON answer as a plain record, for reading fields in tests. */
export type Answer = Record<string, unknown>;

export function field<T = unknown>(answer: unknown, key: string): T {
  return (answer as Answer)[key] as T;
}
