import { duration } from './format.js';
import { OBJECTIVE_TEXT, type Objective, costOf, scores } from './objective.js';
import type { RunResult } from './results.js';

/** The run to pick, why, and what each other run trades (docs/simulate.md#the-recommendation). */
export interface Recommendation {
  readonly objective: Objective;
  /** The label of the recommended run: the lowest mean score over the seeds. */
  readonly best: string;
  /** One sentence: what was chosen, on what, with its headline figures. */
  readonly summary: string;
  /** One per other run, best score first. */
  readonly alternatives: readonly Alternative[];
  /** One sentence on noise: whether the seeds agree, or how to find out. */
  readonly noise: string;
}

export interface Alternative {
  readonly label: string;
  /** Its mean score over the seeds (lower is better; the recommended run's is the lowest). */
  readonly score: number;
  /** One sentence: what it does better and what worse than the recommended run. */
  readonly tradeOff: string;
  /**
   * With several seeds: false when the recommended run beat it on every seed (a difference beyond
   * noise), true otherwise. Null with one seed: nothing to compare.
   */
  readonly withinNoise: boolean | null;
}

/** A difference smaller than this (relative) is not worth a sentence. */
const NOTICEABLE = 0.01;

/**
 * `bySeed[s][c]`: combination c's result under seed s (the first seed's are the report's runs).
 * The objective's scores are computed per seed, over that seed's runs, and averaged.
 */
export function recommend(objective: Objective, bySeed: readonly (readonly RunResult[])[], nodes: number): Recommendation | undefined {
  const runs = bySeed[0];
  if (runs === undefined || runs.length === 0) return undefined;
  const perSeed = bySeed.map((results) => scores(objective, results, nodes));
  const mean = runs.map((_, c) => perSeed.reduce((sum, s) => sum + (s[c] as number), 0) / perSeed.length);
  const order = runs.map((_, c) => c).sort((a, b) => (mean[a] as number) - (mean[b] as number) || a - b);
  const bestIndex = order[0] as number;
  const figures = runs.map((_, c) => averaged(bySeed.map((results) => results[c] as RunResult), nodes));
  const best = figures[bestIndex] as Figures;
  const alternatives = order.slice(1).map((c): Alternative => {
    const withinNoise = bySeed.length < 2 ? null : !perSeed.every((s) => (s[bestIndex] as number) < (s[c] as number));
    return { label: (runs[c] as RunResult).label, score: round4(mean[c] as number), tradeOff: tradeOff((runs[c] as RunResult).label, figures[c] as Figures, best, withinNoise), withinNoise };
  });
  const label = (runs[bestIndex] as RunResult).label;
  const over = bySeed.length > 1 ? `, averaged over ${bySeed.length} seeds` : '';
  const summary = `${label} is best on ${OBJECTIVE_TEXT[objective]}: mean wait ${duration(best.meanWaitS)}, p95 wait ${duration(best.p95WaitS)}, makespan ${duration(best.makespanS)}${best.jain === null ? '' : `, Jain's index ${best.jain.toFixed(3)}`}${over}.`;
  return { objective, best: label, summary, alternatives, noise: noiseSentence(bySeed.length, alternatives) };
}

function noiseSentence(seeds: number, alternatives: readonly Alternative[]): string {
  if (alternatives.length === 0) return 'Only one run: nothing to compare it with.';
  if (seeds < 2) return 'One seed only: whether these differences are beyond noise is unknown — rerun with --seeds 3 (the option seeds: 3) or more to see the spread.';
  const close = alternatives.filter((a) => a.withinNoise === true).map((a) => a.label);
  if (close.length === 0) return `Beyond noise: it beat every other run on each of the ${seeds} seeds.`;
  return `Within noise of ${close.length === alternatives.length ? 'every other run' : close.join(', ')}: across the ${seeds} seeds ${close.length > 1 ? 'they were' : 'it was'} ahead at least once, so that difference may be luck of the workload.`;
}

/** What the sentences compare, averaged over the seeds. */
interface Figures {
  readonly meanWaitS: number;
  readonly p95WaitS: number;
  readonly makespanS: number;
  readonly jain: number | null;
  readonly cost: number;
  readonly priced: boolean;
}

function averaged(results: readonly RunResult[], nodes: number): Figures {
  const avg = (value: (r: RunResult) => number): number => results.reduce((sum, r) => sum + value(r), 0) / results.length;
  const jains = results.map((r) => r.jainIndex).filter((j): j is number => j !== null);
  return {
    meanWaitS: avg((r) => r.wait.meanS),
    p95WaitS: avg((r) => r.wait.p95S),
    makespanS: avg((r) => r.makespanS),
    jain: jains.length === 0 ? null : jains.reduce((a, b) => a + b, 0) / jains.length,
    cost: avg((r) => costOf(r, nodes)),
    priced: results.some((r) => r.cost !== undefined),
  };
}

/** A difference between the alternative and the recommended run, as a phrase and a size. */
interface Difference {
  /** Positive: the alternative is better; its magnitude orders the phrases. */
  readonly gain: number;
  readonly phrase: string;
}

/**
 * "worst-fit · fifo finishes 6 % sooner but its p95 wait is 2× longer": the alternative's largest
 * advantage and largest disadvantage over the recommended run.
 */
function tradeOff(label: string, alt: Figures, best: Figures, withinNoise: boolean | null): string {
  const differences: Difference[] = [
    lower(alt.makespanS, best.makespanS, (x) => `finishes ${x} sooner`, (x) => `finishes ${x} later`, false),
    lower(alt.meanWaitS, best.meanWaitS, (x) => `has a mean wait ${x} shorter`, (x) => `has a mean wait ${x} longer`, true),
    lower(alt.p95WaitS, best.p95WaitS, (x) => `has a p95 wait ${x} shorter`, (x) => `has a p95 wait ${x} longer`, true),
    // without prices the cost is node-hours, which only repeats the makespan
    alt.priced ? lower(alt.cost, best.cost, (x) => `costs ${x} less`, (x) => `costs ${x} more`, true, (v) => (v / 1e6).toFixed(2)) : undefined,
    fairer(alt.jain, best.jain),
  ].filter((d): d is Difference => d !== undefined);
  const gains = differences.filter((d) => d.gain > 0).sort((a, b) => b.gain - a.gain);
  const losses = differences.filter((d) => d.gain < 0).sort((a, b) => a.gain - b.gain);
  const noise = withinNoise === true ? ' (within noise)' : '';
  if (gains.length === 0 && losses.length === 0) return `${label} comes out the same on every measure${noise}.`;
  if (gains.length === 0) return `${label} is behind on every measure that differs; most of all, it ${(losses[0] as Difference).phrase}${noise}.`;
  if (losses.length === 0) return `${label} ${(gains[0] as Difference).phrase}, but the objective weighs that less${noise}.`;
  return `${label} ${(gains[0] as Difference).phrase} but ${(losses[0] as Difference).phrase}${noise}.`;
}

/** For a figure where lower is better; `times`: say "2×" rather than "100 %" for large ratios. */
function lower(alt: number, best: number, better: (x: string) => string, worse: (x: string) => string, times: boolean, absolute: (value: number) => string = duration): Difference | undefined {
  if (alt === best) return undefined;
  if (alt < best) {
    const saved = (best - alt) / best;
    if (saved < NOTICEABLE) return undefined;
    return { gain: saved, phrase: better(times && alt > 0 && best / alt >= 1.5 ? `${ratio(best / alt)}` : `${percent(saved)}`) };
  }
  // against zero a ratio means nothing: say by how much
  if (best === 0) return { gain: -1, phrase: worse(absolute(alt)) };
  const extra = (alt - best) / best;
  if (extra < NOTICEABLE) return undefined;
  // a loss counts as much as the gain that would undo it: 2× longer weighs like 50 % shorter
  return { gain: -(extra / (1 + extra)), phrase: worse(times && alt / best >= 1.5 ? ratio(alt / best) : percent(extra)) };
}

function fairer(alt: number | null, best: number | null): Difference | undefined {
  if (alt === null || best === null || Math.abs(alt - best) < 0.005) return undefined;
  return { gain: alt - best, phrase: `shares the cluster ${alt > best ? 'more' : 'less'} evenly (Jain's index ${alt.toFixed(3)} against ${best.toFixed(3)})` };
}

function percent(fraction: number): string {
  return `${fraction >= 0.1 ? Math.round(fraction * 100) : Number((fraction * 100).toFixed(1))} %`;
}

function ratio(value: number): string {
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))}×`;
}

function round4(value: number): number {
  return Number(value.toFixed(4));
}
