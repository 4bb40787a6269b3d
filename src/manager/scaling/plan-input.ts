import { FairpackError, describeValue } from '../../errors.js';
import { isPlainRecord } from '../../resources/index.js';
import { plainArray, readingInput } from '../../user-input.js';
import type { Migration } from './migration.js';

/** Most moves a plan given to `applyDefragmentation` may hold. */
export const MAX_PLAN_MOVES = 10_000;
const MOVE_FIELDS = ['jobId', 'allocationId', 'from', 'to'] as const;

/**
 * The moves of a plan handed to `applyDefragmentation` (from `planDefragmentation`, a journal, or
 * JSON over HTTP), copied and checked as data: `{ moves: [{ jobId, allocationId, from, to }] }`,
 * other fields of the plan (`fits`, `frees`, `reason`) ignored. Bad shape: INVALID_OPTION.
 */
export function readDefragmentationPlan(plan: unknown): Migration[] {
  return readingInput('the defragmentation plan', 'INVALID_OPTION', () => {
    const expected = `a plan { moves: [{ jobId, allocationId, from, to }] } of at most ${MAX_PLAN_MOVES} moves (what planDefragmentation returns)`;
    if (!isPlainRecord(plan) || !Array.isArray(plan['moves'])) throw new FairpackError('INVALID_OPTION', `Expected ${expected}, got ${describeValue(plan)}.`);
    const raw = plan['moves'] as unknown[];
    if (raw.length > MAX_PLAN_MOVES) throw new FairpackError('INVALID_OPTION', `Expected ${expected}, got ${raw.length} moves. Apply a smaller plan.`);
    return plainArray(raw).map((move, index) => {
      if (!isPlainRecord(move)) throw new FairpackError('INVALID_OPTION', `Expected move ${index} of the plan to be { jobId, allocationId, from, to }, got ${describeValue(move)}.`, { index });
      const copy = {} as Record<(typeof MOVE_FIELDS)[number], string>;
      for (const field of MOVE_FIELDS) {
        const value = move[field];
        if (typeof value !== 'string' || value.length === 0 || value.length > 1_024) throw new FairpackError('INVALID_OPTION', `Expected \`${field}\` of move ${index} of the plan to be a non-empty string, got ${describeValue(value)}.`, { index, field });
        copy[field] = value;
      }
      return Object.freeze(copy);
    });
  });
}
