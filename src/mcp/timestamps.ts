/**
 * Times as the seed shows them. Timestamps are ISO 8601 in UTC with a `Z`, to the second when the
 * instant is a whole second (`2025-12-08T19:00:00Z`, the seed's own form) and to the millisecond
 * otherwise (`2025-12-08T19:00:00.250Z`), so nothing the clock said is lost. Durations are
 * seconds, exact to the millisecond (`7200`, `0.25`).
 */
export function isoTime(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}

export function isoTimeOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : isoTime(ms);
}

/** `to − from` in seconds, never negative (the clocks fairpack reads never go backwards). */
export function secondsBetween(from: number, to: number): number {
  return Math.max(0, to - from) / 1000;
}
