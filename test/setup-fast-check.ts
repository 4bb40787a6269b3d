import fc from 'fast-check';

/*
 * FAIRPACK_PROPERTY_RUNS raises (or lowers) the number of runs of every property; FAIRPACK_SEED
 * pins fast-check's seed to replay a failure (fast-check prints the seed and path of any failure).
 */
const runs = Number(process.env['FAIRPACK_PROPERTY_RUNS'] ?? '');
const seed = Number(process.env['FAIRPACK_SEED'] ?? '');
fc.configureGlobal({
  ...(Number.isInteger(runs) && runs > 0 ? { numRuns: runs } : {}),
  ...(Number.isInteger(seed) && process.env['FAIRPACK_SEED'] !== undefined ? { seed } : {}),
});
