import { FairpackError, describeValue, isFairpackError } from '../../errors.js';
import { checkKnownKeys, knownKeys } from '../../known-keys.js';
import { isPlainRecord } from '../../resources/index.js';
import type { ResourcePool } from '../resource-pool.js';
import type { ParsedRequest } from '../request.js';
import type { BatchAlgorithm, BatchSizeKey, PlanBatchOptions } from '../types.js';
import { batchAlgorithms } from './portfolio.js';
import { batchSizeKeys } from './size-keys.js';

const OPTIONS = knownKeys('planBatch option', ['algorithm', 'sizeKey', 'dryRun'], 'INVALID_OPTION');

export interface BatchOptions {
  readonly algorithm: BatchAlgorithm;
  readonly sizeKey: BatchSizeKey;
  readonly dryRun: boolean;
}

function listed(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ');
}

/** Validates planBatch options once and fills in the defaults, in this one place. */
export function parseBatchOptions(options: unknown): BatchOptions {
  if (!isPlainRecord(options)) {
    throw new FairpackError('INVALID_OPTION', `Expected planBatch options to be an object { algorithm?, sizeKey?, dryRun? }, got ${describeValue(options)}.`);
  }
  checkKnownKeys(options, OPTIONS);
  const { algorithm = 'auto', sizeKey = 'sum', dryRun = false } = options as PlanBatchOptions;
  if (!batchAlgorithms.includes(algorithm)) {
    throw new FairpackError('INVALID_OPTION', `Expected \`algorithm\` to be one of ${listed(batchAlgorithms)}, got ${describeValue(algorithm)}. Omit it for 'auto'.`, {
      option: 'algorithm',
      value: algorithm,
      allowed: batchAlgorithms,
    });
  }
  if (!batchSizeKeys.includes(sizeKey)) {
    throw new FairpackError('INVALID_OPTION', `Expected \`sizeKey\` to be one of ${listed(batchSizeKeys)}, got ${describeValue(sizeKey)}. Omit it for 'sum'.`, {
      option: 'sizeKey',
      value: sizeKey,
      allowed: batchSizeKeys,
    });
  }
  if (typeof dryRun !== 'boolean') {
    throw new FairpackError('INVALID_OPTION', `Expected \`dryRun\` to be true or false, got ${describeValue(dryRun)}.`, { option: 'dryRun', value: dryRun });
  }
  return { algorithm, sizeKey, dryRun };
}

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
  return Array.from(requests as unknown[], (input, index) => {
    let parsed: ParsedRequest;
    try {
      parsed = pool.parseRequest(input);
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
