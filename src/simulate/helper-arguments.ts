import { FairpackError, describeValue } from '../errors.js';

/**
 * Typed refusals of what the `fairpack/simulate` helpers are given (`simulate()` checks its own
 * options: options.ts). A wrong argument was a `TypeError` from deep inside, or no error at all.
 */

/** `INVALID_OPTION`: "Expected <what> of <method>() to be <expected>, got <got>. <todo>" (simulate()'s own options too). */
export function refuse(what: string, method: string, expected: string, got: unknown, todo: string): never {
  throw new FairpackError('INVALID_OPTION', `Expected ${what} of ${method}() to be ${expected}, got ${describeValue(got)}. ${todo}`, { method });
}

/** What `simulate()` returned, as far as `method` reads it: `scenario`, `results` and (`withSeries`) `series`. */
export function checkResults(results: unknown, method: string, withSeries: boolean): void {
  const given = results as { scenario?: unknown; results?: unknown; series?: unknown } | null;
  const shaped =
    typeof given === 'object' &&
    given !== null &&
    typeof given.scenario === 'object' &&
    given.scenario !== null &&
    Array.isArray(given.results) &&
    (!withSeries || (Array.isArray(given.series) && given.series.length === given.results.length));
  if (!shaped) refuse('`results`', method, `what simulate() returns ({ scenario, results${withSeries ? ', series' : ''}, … })`, results, 'Pass the results of simulate() as they are.');
}

/** An options object of the listed keys, or nothing; `strings` of them must be strings. */
export function checkHelperOptions(options: unknown, method: string, strings: readonly string[]): void {
  if (options === undefined) return;
  const expected = `an object { ${strings.map((key) => `${key}?: string`).join(', ')} }`;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) refuse('the options', method, expected, options, 'Pass such an object or leave it out.');
  for (const [key, value] of Object.entries(options)) {
    if (!strings.includes(key)) refuse(`option \`${key}\``, method, `left out (${expected})`, key, 'Remove it or check its spelling.');
    if (value !== undefined && typeof value !== 'string') refuse(`\`${key}\``, method, 'a string', value, 'Pass a string or leave it out.');
  }
}

/** A whole number from `min` to `max`. */
export function checkCount(value: unknown, name: string, method: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) refuse(`\`${name}\``, method, `a whole number from ${min} to ${max}`, value, 'Pass a valid value.');
}

/** A string (a file's text). */
export function checkText(value: unknown, name: string, method: string): void {
  if (typeof value !== 'string') refuse(`\`${name}\``, method, 'a string (the text of a CSV file)', value, 'Read the file first, e.g. readFileSync(path, "utf8").');
}
