/** Property runs: the default, or FAIRPACK_PROPERTY_RUNS when set (for heavier runs). */
export function propertyRuns(defaultRuns: number): number {
  const runs = Number(process.env['FAIRPACK_PROPERTY_RUNS'] ?? '');
  return Number.isInteger(runs) && runs > 0 ? runs : defaultRuns;
}
