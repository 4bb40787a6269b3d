import type { ClusterBooks } from './cluster-books.js';
import type { RunResult, RunSeries } from './results.js';
import type { SampledFigures } from './sampled-figures.js';
import type { Scenario } from './scenario.js';
import { round } from './stats.js';
import { Timeline } from './timeline.js';

type CapacityFigures = Pick<RunResult, 'utilisation' | 'packingEfficiency' | 'strandedCapacity' | 'jainIndex'>;

/**
 * What is measured between events. Utilisation, the queue and the tenants' shares are integrated
 * exactly into the timeline; packing, stranded capacity and Jain's index cost O(nodes) or
 * O(tenants) each, so they are sampled at the timeline's bucket boundaries and averaged with the
 * weight each sample stands for.
 */
export class Recorder {
  private readonly timeline: Timeline;
  /** Jain's index where defined, and 1 where defined: a bucket's mean index is their ratio. */
  private readonly jainTimeline: Timeline;
  private readonly jainValues = new Float64Array(2);
  private readonly values: Float64Array;
  private readonly charted: readonly number[];
  /** Tenants not charted by name, drawn together as "others". */
  private readonly others: readonly number[];
  private readonly sampled: SampledFigures;
  private readonly strandedNow: Float64Array;
  private readonly strandedSum: Float64Array;
  private sampledWeight = 0;
  private packingSum = 0;
  private packingWeight = 0;
  private jainSum = 0;
  private jainWeight = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly books: ClusterBooks,
    private readonly origin: number,
    samples: number,
  ) {
    const tenantIndex = new Map(scenario.tenants.map((name, i) => [name, i] as const));
    this.charted = scenario.chartedTenants.map((name) => tenantIndex.get(name) as number);
    this.others = scenario.tenants.map((_, i) => i).filter((i) => !this.charted.includes(i));
    // channels: one per dimension, the queue length, one per charted tenant, "others", then the
    // preemptions and the lost work so far (the other channels do not depend on these two)
    const channels = books.dims.length + 1 + this.charted.length + (this.others.length > 0 ? 1 : 0) + 2;
    this.timeline = new Timeline(origin, channels, samples);
    this.jainTimeline = new Timeline(origin, 2, samples);
    this.values = new Float64Array(channels);
    this.sampled = books.trackSampledFigures(scenario.minimalShapes.map((shape) => books.dense(shape)).filter((shape): shape is Float64Array => shape !== undefined));
    this.strandedNow = new Float64Array(books.dims.length);
    this.strandedSum = new Float64Array(books.dims.length);
  }

  /**
   * The cluster was as the books say now over [from, to), with `preemptions` jobs preempted and
   * `lostWorkMs` of work thrown away so far.
   */
  record(from: number, to: number, preemptions: number, lostWorkMs: number): void {
    const { books, values } = this;
    const D = books.dims.length;
    for (let d = 0; d < D; d++) values[d] = (books.allocated[d] as number) / (books.total[d] as number);
    values[D] = books.waiting;
    // a plain loop: this runs at every instant something happens, and a callback was a closure each time
    const { charted } = this;
    for (let i = 0; i < charted.length; i++) values[D + 1 + i] = books.dominantShare(charted[i] as number);
    if (this.others.length > 0) values[values.length - 3] = books.combinedShare(this.others);
    values[values.length - 2] = preemptions;
    values[values.length - 1] = lostWorkMs / 3_600_000;
    const weight = this.timeline.advance(from, to, values);
    if (weight === 0) return;
    this.sampledWeight += weight;
    this.strandedNow.fill(0);
    this.sampled.addStranded(this.strandedNow);
    for (let d = 0; d < D; d++) this.strandedSum[d] = (this.strandedSum[d] as number) + ((this.strandedNow[d] as number) / (books.total[d] as number)) * weight;
    const packing = this.sampled.packingEfficiency(books.nodeIds.length);
    if (packing !== undefined) {
      this.packingSum += packing * weight;
      this.packingWeight += weight;
    }
    const jain = books.jain();
    if (jain !== undefined) {
      this.jainSum += jain * weight;
      this.jainWeight += weight;
    }
    // the index over time: the interval that crosses a bucket's start stands for the bucket
    this.jainValues[0] = jain ?? 0;
    this.jainValues[1] = jain === undefined ? 0 : 1;
    this.jainTimeline.advance(from, to, this.jainValues);
  }

  /** The run's capacity figures, the run having ended at `end`. */
  figures(end: number): CapacityFigures {
    const span = end - this.origin;
    const perDim = (value: (d: number) => number): Record<string, number> => Object.fromEntries(this.books.dims.map((name, d) => [name, round(value(d))]));
    return {
      utilisation: perDim((d) => (span > 0 ? this.timeline.integral(d) / span : 0)),
      packingEfficiency: round(this.packingWeight > 0 ? this.packingSum / this.packingWeight : 0),
      strandedCapacity: perDim((d) => (this.sampledWeight > 0 ? (this.strandedSum[d] as number) / this.sampledWeight : 0)),
      jainIndex: this.jainWeight > 0 ? round(this.jainSum / this.jainWeight) : null,
    };
  }

  /** The charts' time series up to `end` (all but the wait quantiles). */
  series(end: number): Omit<RunSeries, 'waitQuantilesS' | 'waitBoxes' | 'nodeSnapshot'> {
    const { startsMs, channels } = this.timeline.series(end);
    const jain = this.jainTimeline.series(end).channels;
    const C = channels.length;
    const D = this.books.dims.length;
    const names = [...this.scenario.chartedTenants, ...(this.others.length > 0 ? ['others'] : [])];
    return {
      timesS: startsMs.map((ms) => ms / 1000),
      utilisation: Object.fromEntries(this.books.dims.map((name, d) => [name, (channels[d] as number[]).map(round)])),
      waiting: (channels[D] as number[]).map(round),
      shares: names.map((tenant, i) => ({ tenant, values: (channels[D + 1 + i] as number[]).map(round) })),
      preemptions: (channels[C - 2] as number[]).map(round),
      lostWorkHours: (channels[C - 1] as number[]).map(round),
      jain: (jain[0] as number[]).map((sum, b) => {
        const defined = (jain[1] as number[])[b] as number;
        return defined > 0 ? round(sum / defined) : null;
      }),
    };
  }
}
