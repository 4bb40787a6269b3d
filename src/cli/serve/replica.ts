import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AllocationManager, type JournalEntry, type ManagerSnapshot, isFairpackError } from '../../index.js';
import { type LeaseState, PostgresFollower, PostgresLease } from '../../store/index.js';
import { type DurableState, openDurableState } from '../durable-state.js';
import { SERVE_SNAPSHOT_FORMAT } from '../data-formats.js';

/*
 * One replica of `fairpack serve --store postgres://…` (docs/high-availability.md). It is a
 * follower until it wins the lease: a copy of the state, rebuilt from the newest snapshot and kept
 * current by applying the journal as the leader commits it (LISTEN/NOTIFY, and polling every
 * `pollMs` as a fallback); it answers reads, and writes are sent to the leader. When the lease
 * expires it campaigns; the winner takes the next term, reloads the state from the store — every
 * entry of every earlier term is committed by then (the campaign waits on the fence) — and writes,
 * each write fenced by its term. A leader that cannot renew, or whose write is fenced, steps down:
 * its in-memory state (possibly holding changes it never acknowledged) is thrown away and it
 * follows again.
 */

export type ReplicaRole = 'leader' | 'follower' | 'candidate';

export interface ReplicaOptions {
  readonly url: string;
  readonly schema?: string;
  /** How long a lease lasts without renewal. @default 6000 */
  readonly leaseTtlMs?: number;
  /** How often the leader renews (and a follower looks for an expired lease). @default 2000 */
  readonly leaseRenewMs?: number;
  /** How often a follower reads the journal without a notice. @default 1000 */
  readonly pollMs?: number;
  /** Builds the manager of a brand-new store (the first leader's), with its journal. */
  readonly build: (journal: (entry: JournalEntry) => void) => AllocationManager;
  readonly note: (line: string) => void;
}

/** What `GET /healthz` says of the replica. */
export interface ReplicaHealth {
  readonly role: ReplicaRole;
  readonly term: number;
  /** The leader's advertised URL, or null while there is none. */
  readonly leader: string | null;
  readonly journal: { readonly seq: number; readonly lagMs: number; readonly store: string };
}

type ReplicaSettings = Required<ReplicaOptions>;

/** How long after the lease's expiry (by the database's clock) a follower looks again. */
const EXPIRY_MARGIN_MS = 5;

/** Entries a follower applies per read. */
const READ_BATCH = 1_000;

export class Replica {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #options: ReplicaSettings;
  readonly #lease: PostgresLease;
  readonly #follower: PostgresFollower<ManagerSnapshot, JournalEntry>;
  #role: ReplicaRole = 'follower';
  /** The newest term seen. */
  #term = 0;
  /** The term this replica holds (while it takes over or leads), renewed on its own timer. */
  #held: number | undefined;
  #renewing = false;
  /** A look at the lease is due at its expiry. */
  #lookPending = false;
  #leaderUrl: string | null = null;
  #manager: AllocationManager;
  /** Whether the follower's copy came from a snapshot of the store (else it is a placeholder until the first leader writes one). */
  #fromStore: boolean;
  /** The leader's durable state while this replica leads. */
  #state: DurableState | undefined;
  /** When the follower last read the journal and found itself current (wall clock, ms). */
  #caughtUpAt = Date.now();
  #timers: NodeJS.Timeout[] = [];
  /** One change of role or one read of the journal at a time. */
  #work: Promise<void> = Promise.resolve();
  #pullWanted = false;
  /** A read of the journal is under way. */
  #pulling = false;
  #closed = false;
  /** Where this replica is reachable for writes (`--advertise-url`): followers redirect there while it leads. */
  #advertiseUrl = '';
  readonly #listeners = new Set<(manager: AllocationManager) => void>();

  private constructor(options: ReplicaSettings, lease: PostgresLease, follower: PostgresFollower<ManagerSnapshot, JournalEntry>, manager: AllocationManager, fromStore: boolean) {
    this.#options = options;
    this.#lease = lease;
    this.#follower = follower;
    this.#manager = manager;
    this.#fromStore = fromStore;
  }

  /** Connects and loads the state as a follower; `run` then starts campaigning and following. */
  static async open(options: ReplicaOptions): Promise<Replica> {
    const settings = { leaseTtlMs: 6_000, leaseRenewMs: 2_000, pollMs: 1_000, schema: 'fairpack', ...options };
    const store = { schema: settings.schema };
    const lease = await PostgresLease.open(settings.url, store);
    let replica: Replica | undefined;
    const follower = await PostgresFollower.open<ManagerSnapshot, JournalEntry>(settings.url, { ...store, onCommit: () => replica?.pull() }).catch(async (error: unknown) => {
      await lease.close();
      throw error;
    });
    try {
      const { manager, fromStore } = await loadCopy(follower, settings.build);
      replica = new Replica(settings, lease, follower, manager, fromStore);
    } catch (error) {
      await Promise.all([lease.close(), follower.close()]);
      throw error;
    }
    return replica;
  }

  /**
   * Starts following and campaigning, with `advertiseUrl` as where this replica takes writes when
   * it leads; resolves after the first look at the lease (this replica may lead by then).
   */
  async run(advertiseUrl: string): Promise<void> {
    this.#advertiseUrl = advertiseUrl;
    const { leaseRenewMs, pollMs } = this.#options;
    this.#timers.push(setInterval(() => void this.#enqueue(() => this.#leaseTick()), leaseRenewMs));
    // renewals do not wait behind a reload or a takeover in the work queue: a takeover that
    // replays a long journal must not let its own lease run out
    this.#timers.push(setInterval(() => void this.#renew(), leaseRenewMs));
    this.#timers.push(setInterval(() => this.pull(), pollMs));
    for (const timer of this.#timers) timer.unref();
    await this.#enqueue(() => this.#leaseTick());
  }

  get role(): ReplicaRole {
    return this.#role;
  }

  /** The manager requests are answered from now (it changes when the role does). */
  get manager(): AllocationManager {
    return this.#manager;
  }

  /** The leader's advertised URL while one is known, else null (writes get 503 NO_LEADER). */
  get leaderUrl(): string | null {
    return this.#role === 'leader' ? this.#advertiseUrl : this.#leaderUrl;
  }

  /** Calls `listener` with the new manager each time it is replaced (promotion, stepping down, reload). */
  onManager(listener: (manager: AllocationManager) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once every change journaled so far is committed (leader); at once otherwise (nothing is written). */
  durable(): Promise<void> {
    return this.#state?.durable() ?? Promise.resolve();
  }

  health(): ReplicaHealth {
    const now = Date.now();
    const seq = this.#state?.position().seq ?? this.#manager.journalSeq();
    // current: it hears of every commit (LISTEN) and has applied all it heard of; else as old as its last complete read
    const current = this.#role === 'leader' || (this.#follower.listening && !this.#pullWanted && !this.#pulling);
    const lagMs = current ? 0 : Math.max(0, now - this.#caughtUpAt);
    return { role: this.#role, term: this.#term, leader: this.leaderUrl, journal: { seq, lagMs, store: this.#follower.location } };
  }

  /** Reads the journal now (a commit notice, or the poll). */
  pull(): void {
    if (this.#pullWanted || this.#role !== 'follower' || this.#closed) return;
    this.#pullWanted = true;
    void this.#enqueue(async () => {
      this.#pullWanted = false;
      await this.#pull();
    });
  }

  /** A write of this leader was fenced or its store failed: step down (the server calls it). */
  storeFailed(error: unknown): void {
    void this.#enqueue(() => this.#stepDown(isFairpackError(error) && error.code === 'STORE_FENCED' ? 'a newer leader fenced its writes' : `its store failed (${error instanceof Error ? error.message : String(error)})`));
  }

  /** Stops campaigning; a leader resigns at once so that a follower takes over without waiting for the expiry. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    await this.#work;
    this.#manager.close();
    const held = this.#held;
    this.#held = undefined;
    if (this.#state !== undefined) await this.#state.close();
    if (held !== undefined) await this.#lease.resign(this.id, held).catch(() => undefined);
    await Promise.all([this.#lease.close(), this.#follower.close()]);
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.#work.then(async () => {
      if (this.#closed) return;
      try {
        await work();
      } catch (error) {
        this.#options.note(`replica: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.#work = next;
    return next;
  }

  /** A follower's look at the lease: it campaigns once the lease has expired, and takes over if it wins. */
  async #leaseTick(): Promise<void> {
    if (this.#role !== 'follower') return;
    const lease = await this.#lease.read();
    this.#see(lease);
    if (lease.live) {
      // the lease runs out before the next regular look: look again right after it does, so that a
      // takeover starts at the expiry, not up to --lease-renew later
      if (lease.remainingMs < this.#options.leaseRenewMs) this.#lookAt(lease.remainingMs + EXPIRY_MARGIN_MS);
      return;
    }
    const won = await this.#lease.campaign(this.id, this.#advertiseUrl, this.#options.leaseTtlMs);
    if (won === undefined) return;
    this.#see(won);
    this.#held = won.term;
    await this.#promote(won.term);
  }

  /** One more look at the lease in `ms` (at most one pending). */
  #lookAt(ms: number): void {
    if (this.#lookPending || this.#closed) return;
    this.#lookPending = true;
    const timer = setTimeout(() => {
      this.#lookPending = false;
      this.#timers.splice(this.#timers.indexOf(timer), 1);
      void this.#enqueue(() => this.#leaseTick());
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Renews the held term's lease; a term that was taken makes this replica step down. */
  async #renew(): Promise<void> {
    const term = this.#held;
    if (term === undefined || this.#renewing || this.#closed) return;
    this.#renewing = true;
    try {
      const renewed = await this.#lease.renew(this.id, term, this.#options.leaseTtlMs);
      if (!renewed && this.#held === term) {
        this.#held = undefined;
        void this.#enqueue(() => this.#stepDown(`its lease of term ${term} was taken`));
      }
    } catch {
      // the database cannot be reached: the lease runs out, and writes fail meanwhile (nothing is acknowledged)
    } finally {
      this.#renewing = false;
    }
  }

  #see(lease: LeaseState): void {
    this.#term = Math.max(this.#term, lease.term);
    this.#leaderUrl = lease.live && lease.holder !== this.id ? lease.url : null;
  }

  /**
   * Leads term `term`: the state is reloaded from the store (which holds every acknowledged change
   * of every earlier term) into a manager that journals, fenced by the term, with its timers on.
   */
  async #promote(term: number): Promise<void> {
    this.#role = 'candidate';
    const { url, schema, build, note } = this.#options;
    let state: DurableState;
    try {
      // the campaign waited for every write of the old term: what the store holds now is all there
      // is; catch the copy up with it, so that the takeover starts from the copy, not a replay
      const hot = await this.#catchUp();
      state = await openDurableState({ url, schema, term }, build, (line) => note(line), hot);
    } catch (error) {
      note(`replica: could not take over as the leader of term ${term}: ${error instanceof Error ? error.message : String(error)}`);
      await this.#lease.resign(this.id, term).catch(() => undefined);
      this.#held = undefined;
      this.#role = 'follower';
      return;
    }
    // the lease may have run out while the state loaded: lead only with the term still held
    const held = this.#held === term && (await this.#lease.renew(this.id, term, this.#options.leaseTtlMs).catch(() => false));
    if (!held) {
      note(`replica: lost the lease of term ${term} while taking over; following`);
      state.manager.close();
      await state.close().catch(() => undefined);
      this.#held = undefined;
      this.#role = 'follower';
      return;
    }
    this.#state = state;
    this.#role = 'leader';
    this.#replace(state.manager);
    note(`replica: leading term ${term} from seq ${state.manager.journalSeq()} (advertised at ${this.#advertiseUrl})`);
  }

  /** The follower's copy brought up to the store's last entry, as a snapshot; undefined if it cannot be (then the store's is used). */
  async #catchUp(): Promise<ManagerSnapshot | undefined> {
    if (!this.#fromStore) return undefined;
    for (;;) {
      const seq = this.#manager.journalSeq();
      const tail = await this.#follower.readAfter(seq, READ_BATCH);
      const first = tail.entries[0];
      if (first === undefined) return tail.snapshotSeq !== null && tail.snapshotSeq > seq ? undefined : this.#manager.snapshot();
      if (first.seq !== seq + 1) return undefined;
      try {
        this.#manager.replay(tail.entries);
      } catch {
        return undefined;
      }
    }
  }

  /** Stops leading: the leader's state is dropped and the replica follows again from the store. */
  async #stepDown(reason: string): Promise<void> {
    if (this.#role !== 'leader') return;
    this.#options.note(`replica: stepping down from term ${this.#term}: ${reason}`);
    this.#held = undefined;
    this.#role = 'follower';
    this.#leaderUrl = null;
    const state = this.#state;
    this.#state = undefined;
    this.#manager.close();
    // nothing more of this term can be written (fenced); close lets appends in flight fail
    await state?.close().catch(() => undefined);
    await this.#reload();
  }

  /** Rebuilds the follower's copy from the newest snapshot and the journal after it. */
  async #reload(): Promise<void> {
    const { manager, fromStore } = await loadCopy(this.#follower, this.#options.build);
    this.#fromStore = fromStore;
    this.#caughtUpAt = Date.now();
    this.#replace(manager);
  }

  /** Applies what the leader committed after this copy's seq; reloads when it was compacted away. */
  async #pull(): Promise<void> {
    if (this.#role !== 'follower') return;
    this.#pulling = true;
    try {
      await this.#readJournal();
    } finally {
      this.#pulling = false;
    }
    // a broken listening connection is re-opened at the next read
    if (!this.#follower.listening) await this.#follower.listen();
  }

  async #readJournal(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const seq = this.#manager.journalSeq();
      const tail = await this.#follower.readAfter(seq, READ_BATCH);
      if (this.#role !== 'follower') return;
      const first = tail.entries[0];
      const behindSnapshot = tail.snapshotSeq !== null && (tail.snapshotSeq > seq || !this.#fromStore);
      if ((first !== undefined && first.seq !== seq + 1) || (first === undefined && behindSnapshot)) {
        await this.#reload();
        return;
      }
      if (first === undefined) break;
      try {
        this.#manager.replay(tail.entries);
      } catch (error) {
        this.#options.note(`replica: reloading the state: ${error instanceof Error ? error.message : String(error)}`);
        await this.#reload();
        return;
      }
      if (tail.entries.length < READ_BATCH) break;
    }
    this.#caughtUpAt = started;
  }

  #replace(manager: AllocationManager): void {
    const old = this.#manager;
    this.#manager = manager;
    if (old !== manager) old.close();
    for (const listener of this.#listeners) listener(manager);
  }
}

/**
 * A follower's copy: the store's newest snapshot with the journal after it, no timers and no
 * journal of its own. Before any leader wrote a snapshot, a placeholder from the flags.
 */
async function loadCopy(follower: PostgresFollower<ManagerSnapshot, JournalEntry>, build: ReplicaOptions['build']): Promise<{ manager: AllocationManager; fromStore: boolean }> {
  const { snapshot, entries } = await follower.recover();
  if (snapshot === undefined) {
    const placeholder = build(() => undefined);
    placeholder.close();
    return { manager: AllocationManager.restore(placeholder.snapshot(), { timers: false }), fromStore: false };
  }
  const format = (snapshot as { format?: unknown }).format;
  if (format !== SERVE_SNAPSHOT_FORMAT) throw new Error(`${follower.location} does not hold the state of a fairpack server (format ${JSON.stringify(format)}): give fairpack serve a schema of its own`);
  return { manager: AllocationManager.restore(snapshot, { entries, timers: false }), fromStore: true };
}
