import { PortRange } from './port-range.js';

/** An MCP server as answers show it. */
export interface McpServerView {
  readonly name: string;
  readonly endpoint: string | null;
  readonly status: 'running' | 'stopped' | 'pending' | 'not_started';
}

interface RunningServer {
  readonly port: number;
  /** Active allocations that use it. */
  users: number;
}

export const MCP_FIRST_PORT = 9000;
export const MCP_LAST_PORT = 9099;

export function endpointOf(port: number): string {
  return `http://localhost:${port}`;
}

/**
 * The shared MCP servers: one per name, with one port from 9000–9099, counted by the active
 * allocations that use it. The first allocation that names a server "starts" it; it "stops", and
 * its port is free again, when the last of them is released. Keyed by the caller's names: a Map.
 */
export class McpServers {
  private readonly running = new Map<string, RunningServer>();
  private readonly ports = new PortRange(MCP_FIRST_PORT, MCP_LAST_PORT);

  /** Names, in the order they started. */
  names(): string[] {
    return [...this.running.keys()];
  }

  /** How many of `names` would need a new port, and how many ports are free. */
  demand(names: readonly string[]): { readonly starting: number; readonly free: number } {
    return { starting: names.filter((name) => !this.running.has(name)).length, free: this.ports.free };
  }

  /** Starts or shares every server of `names`; false (and nothing changed) when ports run out. */
  acquire(names: readonly string[]): boolean {
    const { starting, free } = this.demand(names);
    if (starting > free) return false;
    for (const name of names) {
      const server = this.running.get(name);
      if (server !== undefined) server.users++;
      else this.running.set(name, { port: this.ports.take() as number, users: 1 });
    }
    return true;
  }

  release(names: readonly string[]): void {
    for (const name of names) {
      const server = this.running.get(name);
      if (server === undefined) continue;
      if (--server.users > 0) continue;
      this.running.delete(name);
      this.ports.give(server.port);
    }
  }

  /** The running servers in the order they started, for a snapshot. */
  snapshot(): { name: string; port: number; users: number }[] {
    return [...this.running].map(([name, server]) => ({ name, port: server.port, users: server.users }));
  }

  /** The running servers of a snapshot that was checked (ports in range, each once). */
  restore(servers: readonly { readonly name: string; readonly port: number; readonly users: number }[]): void {
    this.running.clear();
    for (const { name, port, users } of servers) this.running.set(name, { port, users });
    this.ports.restore(servers.map((server) => server.port));
  }

  endpoint(name: string): string | undefined {
    const server = this.running.get(name);
    return server === undefined ? undefined : endpointOf(server.port);
  }
}
