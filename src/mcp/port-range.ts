/**
 * Port numbers handed out from a range, the lowest free first, and taken back on release. Ports
 * are bookkeeping only: nothing listens on them, so the same port is simply reused once freed.
 */
export class PortRange {
  private readonly used = new Set<number>();

  constructor(
    readonly first: number,
    readonly last: number,
  ) {}

  get free(): number {
    return this.last - this.first + 1 - this.used.size;
  }

  /** The lowest free port, or undefined when every port is in use. */
  take(): number | undefined {
    if (this.free === 0) return undefined;
    // scans from the start: ranges are small (100 MCP ports) or sparsely used at the low end
    for (let port = this.first; port <= this.last; port++) {
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    return undefined;
  }

  give(port: number): void {
    this.used.delete(port);
  }

  /** The ports in use, ascending (for a snapshot). */
  inUse(): number[] {
    return [...this.used].sort((a, b) => a - b);
  }

  /** Marks `ports` in use (restoring a snapshot that was checked: each in range, once). */
  restore(ports: readonly number[]): void {
    this.used.clear();
    for (const port of ports) this.used.add(port);
  }
}
