/** Number and duration formatting shared by the console tables and the HTML report. */

/** 12345.6 → "12,346"; locale-independent, so output is the same on every machine. */
export function thousands(value: number, decimals = 0): string {
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = (whole as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** "1 job", "10,000 jobs". */
export function count(n: number, noun: string): string {
  return `${thousands(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** 0.8234 → "82.3 %". */
export function percent(value: number, decimals = 1): string {
  return `${(value * 100).toFixed(decimals)} %`;
}

export interface TimeUnit {
  readonly name: 's' | 'min' | 'h';
  readonly seconds: number;
}

const UNITS: readonly TimeUnit[] = [
  { name: 's', seconds: 1 },
  { name: 'min', seconds: 60 },
  { name: 'h', seconds: 3600 },
];

/**
 * One unit for a whole column or table, so that values compare at a glance: the largest unit in
 * which the largest value is at least 2 (seconds for anything under 2 minutes).
 */
export function unitFor(maxSeconds: number): TimeUnit {
  let chosen = UNITS[0] as TimeUnit;
  for (const unit of UNITS) if (maxSeconds >= 2 * unit.seconds) chosen = unit;
  return chosen;
}

/**
 * For waits, which span from seconds to hours in one table: the smallest unit in which the
 * largest value stays below 1,000, so that short waits keep their digits.
 */
export function waitUnitFor(maxSeconds: number): TimeUnit {
  return UNITS.find((unit) => maxSeconds / unit.seconds < 1000) ?? (UNITS[UNITS.length - 1] as TimeUnit);
}

/** Seconds in the unit, with one decimal below 100 and none above. */
export function inUnit(seconds: number, unit: TimeUnit): string {
  const value = seconds / unit.seconds;
  return thousands(value, Math.abs(value) < 100 ? 1 : 0);
}

/** A duration on its own, in the largest unit it fills: "45 s", "1 min", "12.5 min", "6.2 h". */
export function duration(seconds: number): string {
  let unit = UNITS[0] as TimeUnit;
  for (const candidate of UNITS) if (Math.abs(seconds) >= candidate.seconds) unit = candidate;
  const value = seconds / unit.seconds;
  const text = thousands(value, Math.abs(value) < 100 ? 1 : 0).replace(/\.0$/, '');
  return `${text} ${unit.name}`;
}

/** Breaks text at spaces into lines of at most `width` characters (longer words stay whole). */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}
