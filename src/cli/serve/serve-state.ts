import type { AllocationManager, JournalEntry } from '../../index.js';
import { durationFlag } from '../duration-flag.js';
import { UsageError } from '../io.js';
import { type StateLocation, openDurableState } from '../durable-state.js';
import { Replica } from './replica.js';
import type { ServerOptions } from './server.js';

/*
 * Where `fairpack serve` keeps its state, behind one shape: in memory, in a data directory
 * (`--data`), or in PostgreSQL (`--store`) — where every server is a replica that leads or follows
 * (docs/high-availability.md). The command starts the HTTP server with `serverOptions`, then
 * calls `listening` with the URL writes should reach.
 */
export interface ServeState {
  /** The manager requests are answered from now (a replica's changes with its role). */
  readonly manager: () => AllocationManager;
  /** Whether the state was recovered (else it is new, from the flags). */
  readonly recovered: boolean;
  /** For the start-up line: where the state lives. */
  readonly where: string;
  serverOptions(onStoreFailure: (error: unknown) => void): Pick<ServerOptions, 'durable' | 'health' | 'onStoreFailure' | 'replica'>;
  /** The server listens at `advertiseUrl` (as others should reach it): a replica starts campaigning. */
  listening(advertiseUrl: string): Promise<void>;
  /** Closes the manager and the store (a leader resigns its lease). */
  close(): Promise<void>;
}

export interface LeaseSettings {
  readonly leaseTtlMs: number;
  readonly leaseRenewMs: number;
}

/** `--lease-ttl` and `--lease-renew` (defaults 6 s and 2 s): a renewal must come well within the ttl. */
export function leaseFlags(flags: { readonly 'lease-ttl'?: string | undefined; readonly 'lease-renew'?: string | undefined }): LeaseSettings {
  const leaseTtlMs = flags['lease-ttl'] === undefined ? 6_000 : durationFlag('--lease-ttl', flags['lease-ttl'], 100, 3_600_000);
  const leaseRenewMs = flags['lease-renew'] === undefined ? Math.min(2_000, Math.floor(leaseTtlMs / 3)) : durationFlag('--lease-renew', flags['lease-renew'], 10, 3_600_000);
  if (leaseRenewMs * 2 > leaseTtlMs) throw new UsageError(`Expected --lease-renew (${leaseRenewMs} ms) to be at most half of --lease-ttl (${leaseTtlMs} ms): one late renewal must not cost the lease.`);
  return { leaseTtlMs, leaseRenewMs };
}

type Build = (journal: ((entry: JournalEntry) => void) | undefined) => AllocationManager;

export async function openServeState(location: StateLocation | undefined, build: Build, lease: LeaseSettings, note: (line: string) => void): Promise<ServeState> {
  if (location === undefined) {
    const manager = build(undefined);
    return {
      manager: () => manager,
      recovered: false,
      where: 'in memory only (not persisted: use --data <dir>)',
      serverOptions: () => ({}),
      listening: async () => undefined,
      close: async () => manager.close(),
    };
  }
  if ('directory' in location) {
    const state = await openDurableState(location, build, note);
    return {
      manager: () => state.manager,
      recovered: state.recovered,
      where: `in ${state.position().directory ?? ''}`,
      serverOptions: (onStoreFailure) => ({ durable: state.durable, health: () => ({ journal: state.position() }), onStoreFailure }),
      listening: async () => undefined,
      close: async () => {
        state.manager.close();
        await state.close();
      },
    };
  }
  const replica = await Replica.open({ url: location.url, ...(location.schema === undefined ? {} : { schema: location.schema }), ...lease, build, note });
  return {
    manager: () => replica.manager,
    recovered: replica.health().journal.seq > 0,
    where: `in ${replica.health().journal.store}, as a replica (leads or follows: docs/high-availability.md)`,
    // a replica whose store fails or whose writes are fenced steps down and follows: it does not stop
    serverOptions: () => ({
      durable: () => replica.durable(),
      health: () => ({ ...replica.health() }),
      onStoreFailure: (error) => replica.storeFailed(error),
      replica: { role: () => replica.role, leaderUrl: () => replica.leaderUrl },
    }),
    listening: (advertiseUrl) => replica.run(advertiseUrl),
    close: () => replica.close(),
  };
}
