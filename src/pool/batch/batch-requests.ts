import { plainArray, readingInput } from '../../user-input.js';
import { FairpackError, describeValue, isFairpackError } from '../../errors.js';
import { poolInternals } from '../internals.js';
import type { ResourcePool } from '../resource-pool.js';
import type { ParsedRequest } from '../request.js';

/**
 * Parses every request before anything is planned, so one bad request throws and nothing is
 * placed. The error keeps the parser's code and details and says which request it was.
 */
export function parseBatchRequests(pool: ResourcePool, requests: unknown, liveIds: { has(id: string): boolean }): ParsedRequest[] {
  if (!Array.isArray(requests)) {
    throw new FairpackError('INVALID_REQUEST', `Expected planBatch requests to be an array of requests, got ${describeValue(requests)}. Wrap a single request in [ ].`);
  }
  const seen = new Map<string, number>();
  // Array.from visits holes of a sparse array too (as undefined), so they are refused, not skipped
  const books = poolInternals(pool);
  return readingInput('the batch requests', 'INVALID_REQUEST', () => plainArray(requests as unknown[])).map((input, index) => {
    let parsed: ParsedRequest;
    try {
      parsed = books.parseRequest(input);
    } catch (error) {
      if (!isFairpackError(error)) throw error;
      throw new FairpackError(error.code, `Request ${index} of the batch is invalid: ${error.message}`, { ...error.details, index });
    }
    const id = parsed.id;
    if (id !== undefined) {
      const earlier = seen.get(id);
      if (liveIds.has(id) || earlier !== undefined) {
        const clash = earlier !== undefined ? `request ${earlier} of the batch has it too` : 'it is a live allocation';
        throw new FairpackError(
          'DUPLICATE_ALLOCATION',
          `Expected request ${index} of the batch to have a new allocation id, got "${id}": ${clash}. Omit \`id\` to get a generated one, or make the ids unique.`,
          { id, index, ...(earlier === undefined ? {} : { other: earlier }) },
        );
      }
      seen.set(id, index);
    }
    return parsed;
  });
}
