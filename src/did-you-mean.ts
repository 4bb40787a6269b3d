/**
 * The candidate closest to a mistyped name, for "did you mean" hints in error messages
 * (unknown request fields, options, strategy, policy and priority-class names, CLI commands and
 * flags). Only called once something is already wrong, never on a hot path.
 *
 * A candidate is close when
 * - it equals the input ignoring case (`TTLMS` → `ttlMs`), which always wins; or
 * - its optimal-string-alignment distance to the input (case-insensitive: insertions,
 *   deletions, substitutions and swaps of two neighbours, `prot` → `port` is 1) is at most 40 % of
 *   the longer of the two (at least 1): `priorty` → `priority`, `ttl` → `ttlMs`, `serv` → `serve`;
 * - or one starts with the other and the shorter has 3 characters or more
 *   (`estimated` → `estimatedRuntimeMs`).
 * The closest wins (ties: the first in `candidates`); undefined when none is close, so an
 * unrelated key gets no misleading hint.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (lower === wanted) return candidate;
    const limit = Math.max(1, Math.floor(0.4 * Math.max(lower.length, wanted.length)));
    const prefix = Math.min(lower.length, wanted.length) >= 3 && (lower.startsWith(wanted) || wanted.startsWith(lower));
    // the distance is at least the difference in length: skip what cannot be close (this also
    // keeps a megabyte-long key from costing a megabyte-sized table)
    if (!prefix && Math.abs(lower.length - wanted.length) > limit) continue;
    const distance = prefix ? Math.abs(lower.length - wanted.length) : osaDistance(wanted, lower);
    if (distance <= (prefix ? Infinity : limit) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance (Damerau-Levenshtein where no substring is edited twice). */
function osaDistance(a: string, b: string): number {
  const width = b.length + 1;
  // three rows of the dynamic-programming table: two back (for swaps), one back, this one
  let before = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] as number) + 1);
      current[j] = value;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] as number;
}

/** The hint for a message, ` Did you mean 'best-fit'?`, or '' when there is no suggestion. */
export function didYouMeanHint(suggestion: string | undefined, quote: (name: string) => string = (name) => `'${name}'`): string {
  return suggestion === undefined ? '' : ` Did you mean ${quote(suggestion)}?`;
}
