import { vi } from 'vitest';
import { AlignmentIndex } from '../../src/placement/index/alignment-index.js';

/** Tree nodes dot-product's search visits (its private recursive step), counted during `run`. */
export function searchVisits(run: () => void): number {
  const search = vi.spyOn(AlignmentIndex.prototype as unknown as { search: (i: number, lo: number, span: number) => void }, 'search');
  run();
  const count = search.mock.calls.length;
  search.mockRestore();
  return count;
}
