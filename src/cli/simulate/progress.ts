import type { CliIo } from '../io.js';

/**
 * A one-line progress bar on stderr — only when stderr is a terminal, so pipes, files and CI logs
 * get nothing. Redrawn at most every 100 ms of wall time.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly stderr: CliIo['stderr'],
    private readonly enabled: boolean,
    private readonly wallClock: () => number,
  ) {}

  /** `run` of `runs` (1-based), with `fraction` of it done. */
  update(label: string, run: number, runs: number, fraction: number): void {
    if (!this.enabled) return;
    const now = this.wallClock();
    if (now - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = now;
    // a terminal that does not report its size says 0 columns
    const columns = this.stderr.columns !== undefined && this.stderr.columns > 0 ? this.stderr.columns : 80;
    const width = Math.max(20, Math.min(columns, 100) - 1);
    const overall = (run - 1 + Math.min(1, Math.max(0, fraction))) / runs;
    const text = ` ${Math.floor(overall * 100)}%  run ${run}/${runs}  ${label}`;
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
}
