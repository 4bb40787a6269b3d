import { readingInput } from '../../user-input.js';
import { FairpackError, describeValue } from '../../errors.js';
import { type PlacementStrategyName, placementStrategyNames } from '../../placement/registry.js';
import { checkKnownKeys, knownKeys } from '../../known-keys.js';
import { isPlainRecord } from '../../resources/index.js';
import type { BatchAlgorithm, BatchSizeKey, PlanBatchOptions } from '../types.js';
import type { ImprovementSettings } from './improvement.js';
import { batchAlgorithms } from './portfolio.js';
import { batchSizeKeys } from './size-keys.js';

const OPTIONS = knownKeys('planBatch option', ['algorithm', 'sizeKey', 'placement', 'dryRun', 'timeLimitMs', 'workLimit', 'clock'], 'INVALID_OPTION');

/*
 * The improvement phase's budget. 100,000 units take about 6 ms on the bench machine (busy, see
 * docs/performance.md) and gave the same quality on test/fixtures/vbp-optimal.json as 200,000
 * (96 % optimal; 600,000: 97 %); 20 ms keeps a plan interactive when the machine is slower or
 * busier still, or the batch is large.
 */
const DEFAULT_TIME_LIMIT_MS = 20;
const DEFAULT_WORK_LIMIT = 100_000;

export interface BatchOptions extends ImprovementSettings {
  readonly algorithm: BatchAlgorithm;
  readonly sizeKey: BatchSizeKey;
  readonly placement: PlacementStrategyName;
  readonly dryRun: boolean;
}

/** Validates planBatch options once and fills in the defaults, in this one place. */
export function parseBatchOptions(options: unknown): BatchOptions {
  return readingInput('the planBatch options', 'INVALID_OPTION', () => parseOptionsData(options));
}

function parseOptionsData(options: unknown): BatchOptions {
  if (!isPlainRecord(options)) {
    throw new FairpackError('INVALID_OPTION', `Expected planBatch options to be an object { ${OPTIONS.list.map((key) => `${key}?`).join(', ')} }, got ${describeValue(options)}.`);
  }
  checkKnownKeys(options, OPTIONS);
  const {
    algorithm = 'auto',
    sizeKey = 'sum',
    placement = 'best-fit',
    dryRun = false,
    timeLimitMs = DEFAULT_TIME_LIMIT_MS,
    workLimit = DEFAULT_WORK_LIMIT,
    clock = () => Date.now(),
  } = options as PlanBatchOptions;
  checkOneOf('algorithm', algorithm, batchAlgorithms, 'auto');
  checkOneOf('sizeKey', sizeKey, batchSizeKeys, 'sum');
  checkOneOf('placement', placement, placementStrategyNames, 'best-fit');
  if (typeof dryRun !== 'boolean') {
    throw new FairpackError('INVALID_OPTION', `Expected \`dryRun\` to be true or false, got ${describeValue(dryRun)}.`, { option: 'dryRun', value: dryRun });
  }
  checkNonNegative('timeLimitMs', timeLimitMs, 'milliseconds', DEFAULT_TIME_LIMIT_MS);
  checkNonNegative('workLimit', workLimit, 'work units', DEFAULT_WORK_LIMIT);
  if (!Number.isInteger(workLimit)) {
    throw new FairpackError('INVALID_OPTION', `Expected \`workLimit\` to be a whole number of work units, got ${describeValue(workLimit)}. Round it, or omit it for ${DEFAULT_WORK_LIMIT}.`, { option: 'workLimit', value: workLimit });
  }
  if (typeof clock !== 'function') {
    throw new FairpackError('INVALID_OPTION', `Expected \`clock\` to be a function returning milliseconds, got ${describeValue(clock)}. Omit it for Date.now.`, { option: 'clock', value: clock });
  }
  return { algorithm, sizeKey, placement, dryRun, timeLimitMs, workLimit, clock };
}

function checkOneOf(option: string, value: unknown, allowed: readonly string[], fallback: string): void {
  if (allowed.includes(value as string)) return;
  const list = allowed.map((name) => `'${name}'`).join(', ');
  throw new FairpackError('INVALID_OPTION', `Expected \`${option}\` to be one of ${list}, got ${describeValue(value)}. Omit it for '${fallback}'.`, { option, value, allowed });
}

function checkNonNegative(option: string, value: unknown, unit: string, fallback: number): void {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return;
  throw new FairpackError('INVALID_OPTION', `Expected \`${option}\` to be a finite number >= 0 (${unit}; 0 turns the improvement phase off), got ${describeValue(value)}. Omit it for ${fallback}.`, {
    option,
    value,
  });
}
