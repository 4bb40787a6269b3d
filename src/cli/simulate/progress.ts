import type { CliIo } from '../io.js';

/**
 * A one-line progress bar on stderr — only when stderr is a terminal, so pipes, files and CI logs
 * get nothing. Redrawn at most every 100 ms of wall time. With `--workers`, several runs are under
 * way at once: the line names each with its share done.
 *
 * With workers, runs start longest first, not in their order, and each run's end is reported
 * (fraction 1); on the main thread they run one after another in their order and an end is not
 * reported (`endsReported` false): there a run's start ends every run before it. Either way the
 * bar counts the runs ended.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly underWay = new Map<number, { readonly label: string; readonly fraction: number }>();
  /** Runs that ended (at most the runs of one simulation). */
  private readonly ended = new Set<number>();
  private highestEnded = 0;

  constructor(
    private readonly stderr: CliIo['stderr'],
    private readonly enabled: boolean,
    private readonly wallClock: () => number,
    private readonly endsReported = false,
  ) {}

  /** `run` of `runs` (1-based), with `fraction` of it done; 1: it ended. */
  update(label: string, run: number, runs: number, fraction: number): void {
    if (!this.enabled) return;
    this.record(label, run, fraction);
    const now = this.wallClock();
    if (now - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = now;
    // a terminal that does not report its size says 0 columns
    const columns = this.stderr.columns !== undefined && this.stderr.columns > 0 ? this.stderr.columns : 80;
    const width = Math.max(20, Math.min(columns, 100) - 1);
    const overall = this.completed() / runs;
    const text = ` ${Math.floor(overall * 100)}%  ${this.describeUnderWay(runs)}`;
    const barWidth = Math.max(10, width - text.length - 2);
    const filled = Math.round(overall * barWidth);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${text}`;
    this.stderr.write(`\r${line.slice(0, width)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line, so the results start on a clean one. */
  done(): void {
    if (this.drawn) this.stderr.write('\r\x1b[K');
    this.drawn = false;
  }

  /** Runs ended, plus the shares done of those under way. */
  private completed(): number {
    let shares = 0;
    for (const { fraction } of this.underWay.values()) shares += Math.min(1, fraction);
    return this.ended.size + shares;
  }

  /** `run 2/8  best-fit · drf`, or with several: `runs 2,3/8  best-fit · drf 40%, worst-fit · fifo 5%`. */
  private describeUnderWay(runs: number): string {
    const under = [...this.underWay.entries()].sort(([a], [b]) => a - b);
    if (under.length === 0) return `run ${Math.min(this.highestEnded, runs)}/${runs}`;
    if (under.length === 1) {
      const [run, { label }] = under[0] as (typeof under)[number];
      return `run ${run}/${runs}  ${label}`;
    }
    return `runs ${under.map(([run]) => run).join(',')}/${runs}  ${under.map(([, { label, fraction }]) => `${label} ${Math.floor(fraction * 100)}%`).join(', ')}`;
  }

  private record(label: string, run: number, fraction: number): void {
    // one after another in their order: a run's start ends every run before it
    if (!this.endsReported) for (let earlier = this.highestEnded + 1; earlier < run; earlier++) this.end(earlier);
    if (fraction >= 1) this.end(run);
    else this.underWay.set(run, { label, fraction: Math.max(0, fraction) });
  }

  private end(run: number): void {
    this.underWay.delete(run);
    this.ended.add(run);
    this.highestEnded = Math.max(this.highestEnded, run);
  }
}
