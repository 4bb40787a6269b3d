import { AllocationManager, type ManagerSnapshot } from '../../index.js';
import { AllocationTools, type AllocationToolsSnapshot } from '../../mcp/index.js';
import type { AbortSignalLike } from '../../platform.js';
import type { JsonValue } from '../../pool/index.js';
import { MCP_SNAPSHOT_FORMAT } from '../data-formats.js';
import { type ManagerHooks, openInputLog } from '../input-log.js';

/** What `fairpack mcp --data` snapshots: the manager and the allocation tools, taken between two calls. */
export interface DurableMcpSnapshot {
  readonly format: typeof MCP_SNAPSHOT_FORMAT;
  readonly version: 1;
  readonly seq: number;
  readonly manager: ManagerSnapshot;
  readonly tools: AllocationToolsSnapshot;
}

/**
 * One entry of the MCP server's log: a tool call it answered, with its arguments as the client sent
 * them and the clock reading it was answered at, or a tick of the manager's own timer. Replaying the
 * calls at their times over the snapshot rebuilds the state — allocation ids, ports and the
 * manager's ids included: the tools and the manager generate them from their state.
 */
export type McpEntry =
  | { readonly seq: number; readonly at: number; readonly tool: string; readonly arguments?: JsonValue }
  | { readonly seq: number; readonly at: number; readonly tick: true };

type CallEntry = Exclude<McpEntry, { tick: true }>;

/**
 * The calls that are not logged: wait_for_allocation changes nothing when it is called, and what
 * it waits for is logged by the call (or the tick) that causes it. Its answer, like every answer,
 * is released only once everything logged before it is durable.
 */
const UNLOGGED: ReadonlySet<string> = new Set(['wait_for_allocation']);

export interface DurableMcp {
  readonly tools: AllocationTools;
  readonly recovered: boolean;
  /**
   * Runs a tool as `tools.call` does, and logs the call: the answer (or the tool's error) is
   * released only once the call is durable. Rejects with the store's error once it failed: the
   * call was not answered.
   */
  call(name: string, args: unknown, options?: { readonly signal?: AbortSignalLike }): Promise<JsonValue>;
  position(): { readonly seq: number | null; readonly snapshotSeq: number | null; readonly directory: string };
  /** Closes the tools and the manager, writes a last snapshot, releases the directory. */
  close(): Promise<void>;
}

export interface DurableMcpSetup {
  /** New tools from the flags, their manager built with these hooks (`now` is the tools' clock too). */
  readonly build: (hooks: ManagerHooks) => AllocationTools;
  readonly note: (line: string) => void;
  /** Told of the first failure of the store (each call it leaves unanswered rejects with it): stop serving. */
  readonly failed: (error: unknown) => void;
}

/**
 * Opens (or creates) the data directory of `fairpack mcp --data` (see `openInputLog`): restores
 * the manager and the tools from the newest snapshot and runs the calls after it again, or builds
 * new tools from the flags. Waiters and resource subscriptions are not state: after a restart they
 * are gone (a client waiting in wait_for_allocation got no answer, and asks again).
 */
export async function openDurableMcp(directory: string, setup: DurableMcpSetup): Promise<DurableMcp> {
  const log = await openInputLog<DurableMcpSnapshot, CallEntry, AllocationTools>(directory, {
    format: MCP_SNAPSHOT_FORMAT,
    command: 'fairpack mcp',
    note: setup.note,
    restore: (snapshot, hooks) => {
      const manager = AllocationManager.restore(snapshot.manager, hooks);
      try {
        return AllocationTools.restore(manager, snapshot.tools, { now: hooks.now });
      } catch (error) {
        manager.close();
        throw error;
      }
    },
    build: setup.build,
    manager: (tools) => tools.manager,
    replay: (tools, entry) => {
      if (typeof entry.tool !== 'string' || UNLOGGED.has(entry.tool) || !tools.definitions.some((tool) => tool.name === entry.tool)) {
        throw new Error(`log entry ${entry.seq} is not one fairpack mcp writes (a tool call or a tick); the data directory was not written by fairpack mcp`);
      }
      // the answer is dropped; a refusal (bad arguments) was answered as one, and changed nothing
      tools.call(entry.tool, entry.arguments).catch(() => undefined);
    },
    snapshot: (tools, seq) => ({ format: MCP_SNAPSHOT_FORMAT, version: 1, seq, manager: tools.manager.snapshot(), tools: tools.snapshot() }),
  });
  const tools = log.state;
  const durable = (): Promise<void> =>
    log.durable().catch((error: unknown) => {
      setup.failed(error);
      throw error;
    });
  const known = (name: string): boolean => !UNLOGGED.has(name) && tools.definitions.some((tool) => tool.name === name);
  return {
    tools,
    recovered: log.recovered,
    async call(name, args, options = {}) {
      // an unknown tool is refused before anything happens; wait_for_allocation: see UNLOGGED
      if (!known(name)) {
        const answer = await tools.call(name, args, options);
        await durable();
        return answer;
      }
      // the tools run synchronously: the whole call reads the one clock reading its entry records
      const answer = log.handle(
        () => tools.call(name, args, options),
        (at) => ({ at, tool: name, ...(args === undefined ? {} : { arguments: args as JsonValue }) }),
      );
      answer.catch(() => undefined); // its refusal is released below, once the call is durable
      await durable();
      return answer;
    },
    position: log.position,
    close: () =>
      log.close(() => {
        tools.close();
        tools.manager.close();
      }),
  };
}
