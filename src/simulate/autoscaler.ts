import type { AllocationManager, NodeSpec } from '../index.js';
import type { NodeTypeSpec } from '../manager/scaling/scaling-options.js';
import { type AutoscaleMode, COOLDOWN_MS, IDLE_FOR_MS, MAX_ADDED_NODES, SCALE_DOWN_BELOW, SCALE_UP_ABOVE } from './autoscale-settings.js';
import type { ClusterBooks } from './cluster-books.js';

/** What the scaler asks of the engine: to be told again later, and to launch a node. */
export interface ScalerHooks {
  /** A node of `types[type]` should join `delay` ms from now. */
  readonly launch: (type: number) => void;
  /** A node the scaler added, empty, leaves the cluster now. */
  readonly terminate: (nodeId: string) => void;
}

/**
 * One run's autoscaler. Only nodes it added are ever removed: the starting cluster is the floor
 * (a reserved fleet), so no job that fits the starting cluster is ever refused for want of a node,
 * and both scalers work on the same floor.
 *
 * - `fairpack`: `mgr.scalingAdvice()` — the cheapest set of new nodes (of any type) for the jobs
 *   that only room keeps waiting (with a wait target: for those the nodes there are would not start
 *   within it, by the jobs' estimated runtimes, which the simulator knows exactly), and idle nodes removed. No advice is asked while launched nodes
 *   have not joined (the manager cannot see them: it would buy them twice), as in
 *   examples/autoscaling.ts. Underutilised nodes are not consolidated: a simulated job cannot
 *   migrate without losing its work.
 * - `threshold`: the seed's baseline — one type (the first), one node per action: add when the
 *   busiest dimension is above 90 % or the queue grew since the last look; remove an empty added
 *   node (latest first) when it is below 50 % and nothing waits; 5 minutes of cooldown after any action.
 */
export class Autoscaler {
  /** Nodes this scaler added that are in the cluster, in the order they joined. */
  private readonly added: string[] = [];
  private pending = 0;
  private waitingBefore = 0;
  private cooldownUntil = -Infinity;

  constructor(
    readonly mode: Exclude<AutoscaleMode, 'off'>,
    private readonly types: readonly NodeTypeSpec[],
    private readonly mgr: AllocationManager,
    private readonly books: ClusterBooks,
    /** The fairpack scaler's `scaleUp.waitTargetMs` (0: no target). */
    private readonly waitTargetMs: number,
    private readonly hooks: ScalerHooks,
  ) {}

  /** Launched nodes that have not joined yet. */
  get launching(): number {
    return this.pending;
  }

  /** Looks at the cluster at `now` and acts. */
  evaluate(now: number): void {
    if (this.mode === 'fairpack') this.advise(now);
    else this.threshold(now);
  }

  /** A launched node of `types[type]` joins; the spec the engine adds. */
  joined(type: number, id: string): NodeSpec {
    this.pending--;
    this.added.push(id);
    const spec = this.types[type] as NodeTypeSpec;
    return {
      id,
      capacity: spec.capacity,
      costPerHour: spec.costPerHour,
      labels: { ...spec.labels, 'fairpack.io/node-type': spec.name },
      ...(spec.taints === undefined ? {} : { taints: spec.taints }),
      ...(spec.spot === true ? { spot: true } : {}),
    };
  }

  /** A launch that is no longer wanted (the run is over) never joins. */
  cancelled(): void {
    this.pending--;
  }

  private advise(now: number): void {
    if (this.pending > 0) return;
    const advice = this.mgr.scalingAdvice({
      nodeTypes: this.types,
      // the starting cluster, plus at most MAX_ADDED_NODES added
      maxNodes: this.books.liveNodeCount + MAX_ADDED_NODES - this.added.length,
      cooldownMs: COOLDOWN_MS,
      scaleDown: { utilisationBelow: 0, idleForMs: IDLE_FOR_MS },
      ...(this.waitTargetMs > 0 ? { scaleUp: { waitTargetMs: this.waitTargetMs } } : {}),
      now,
    });
    for (const { type, count } of advice.add) {
      const index = this.types.findIndex((t) => t.name === type);
      for (let i = 0; i < count; i++) this.launch(index);
    }
    for (const { nodeId } of advice.remove) if (this.added.includes(nodeId) && this.removable(nodeId)) this.terminate(nodeId);
  }

  private threshold(now: number): void {
    const waiting = this.books.waiting;
    const grew = waiting > this.waitingBefore;
    this.waitingBefore = waiting;
    if (now < this.cooldownUntil) return;
    const busiest = this.books.busiestShare();
    if (busiest > SCALE_UP_ABOVE || grew) {
      if (this.added.length + this.pending >= MAX_ADDED_NODES) return;
      this.launch(0);
      this.cooldownUntil = now + COOLDOWN_MS;
    } else if (busiest < SCALE_DOWN_BELOW && waiting === 0) {
      for (let i = this.added.length - 1; i >= 0; i--) {
        const id = this.added[i] as string;
        if (!this.removable(id)) continue;
        this.terminate(id);
        this.cooldownUntil = now + COOLDOWN_MS;
        return;
      }
    }
  }

  /** Empty and up: a reclaimed spot node is not removed while it is away (it comes back). */
  private removable(nodeId: string): boolean {
    const n = this.books.indexOf(nodeId);
    return this.books.isEmpty(n) && !this.books.isDown(n);
  }

  private launch(type: number): void {
    this.pending++;
    this.hooks.launch(type);
  }

  private terminate(nodeId: string): void {
    this.added.splice(this.added.indexOf(nodeId), 1);
    this.hooks.terminate(nodeId);
  }
}
