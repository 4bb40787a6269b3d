import fc from 'fast-check';
import type { NodeStatus, Taint } from '../placement/index.js';
import type { AllocationRequest, NodeSpec, SpotPreference, Toleration } from '../pool/index.js';
import type { Resources } from '../resources/index.js';

export interface ResourcesArbitraryOptions {
  /** Dimension names to draw from. @default ['cpu', 'memory', 'gpu'] */
  readonly dimensions?: readonly string[];
  /** Largest amount. @default 16 */
  readonly max?: number;
  /** Draw amounts with up to 3 decimals (else from a coarse set that makes ties likely). @default true */
  readonly fractional?: boolean;
  /** At least one dimension is non-zero. @default false */
  readonly nonEmpty?: boolean;
}

const COARSE = [0, 0.5, 1, 2, 3, 4, 8];

/** A resource vector: a subset of the dimensions, amounts ≥ 0 with at most 3 decimals. */
export function resourcesArbitrary(options: ResourcesArbitraryOptions = {}): fc.Arbitrary<Resources> {
  const { dimensions = ['cpu', 'memory', 'gpu'], max = 16, fractional = true, nonEmpty = false } = options;
  const amount = fc.oneof(
    fc.constantFrom(...COARSE.filter((a) => a <= max)),
    fractional ? fc.integer({ min: 0, max: max * 1000 }).map((milli) => milli / 1000) : fc.integer({ min: 0, max }),
  );
  const entries = fc.subarray([...dimensions], { minLength: nonEmpty ? 1 : 0 }).chain((names) =>
    fc.tuple(...names.map((name) => amount.map((a) => [name, nonEmpty && a === 0 ? 1 : a] as const))),
  );
  return entries.map((pairs) => Object.fromEntries(pairs) as Resources);
}

const SHAPES: readonly Resources[] = [
  { cpu: 8, memory: 16 },
  { cpu: 16, memory: 64, gpu: 2 },
  { cpu: 4, memory: 8 },
  // thirds, sixths and ninths: distinct slacks that round to equal scores (see strategies.test.ts)
  { cpu: 3, memory: 6, gpu: 9 },
];

export interface NodesArbitraryOptions extends ResourcesArbitraryOptions {
  readonly minNodes?: number;
  /** @default 8 */
  readonly maxNodes?: number;
  /** Add labels, taints and non-ready statuses. @default true */
  readonly variety?: boolean;
}

const TAINTS: readonly Taint[] = [
  { key: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
];

/** One node; ids are assigned by `nodesArbitrary`/`poolOperationsArbitrary`. */
export function nodeSpecArbitrary(id: string, options: NodesArbitraryOptions = {}): fc.Arbitrary<NodeSpec> {
  const variety = options.variety ?? true;
  // mostly a few shared shapes (so capacity groups hold several nodes), sometimes anything
  const capacity = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SHAPES) }, { weight: 1, arbitrary: resourcesArbitrary({ ...options, nonEmpty: true }) });
  const labels = variety ? fc.record({ zone: fc.constantFrom('a', 'b') }, { requiredKeys: [] }) : fc.constant({});
  const taints = variety ? fc.subarray([...TAINTS], { maxLength: 1 }) : fc.constant([]);
  const status: fc.Arbitrary<NodeStatus> = variety ? fc.constantFrom<NodeStatus>('ready', 'ready', 'ready', 'draining', 'offline') : fc.constant('ready');
  const spot = variety ? fc.constantFrom(false, false, true) : fc.constant(false);
  return fc.record({ capacity, labels, taints, status, spot }).map(({ spot: isSpot, ...spec }) => ({ id, ...spec, ...(isSpot ? { spot: true } : {}) }));
}

/** A list of nodes with unique ids n0, n1, … */
export function nodesArbitrary(options: NodesArbitraryOptions = {}): fc.Arbitrary<NodeSpec[]> {
  const { minNodes = 1, maxNodes = 8 } = options;
  return fc.integer({ min: minNodes, max: maxNodes }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeSpecArbitrary(`n${i}`, options))));
}

export interface RequestArbitraryOptions extends ResourcesArbitraryOptions {
  /** Allow gangs (replicas 2–3, sometimes spread). @default true */
  readonly gangs?: boolean;
  /** Allow nodeSelector and tolerations. @default true */
  readonly constraints?: boolean;
}

const TOLERATIONS: readonly Toleration[] = [{ key: 'gpu', operator: 'Exists' }, { key: 'spot', value: 'true' }, { operator: 'Exists' }];

export function requestArbitrary(options: RequestArbitraryOptions = {}): fc.Arbitrary<AllocationRequest> {
  const { gangs = true, constraints = true } = options;
  return fc
    .record(
      {
        resources: resourcesArbitrary({ max: 8, ...options }),
        replicas: gangs ? fc.integer({ min: 1, max: 3 }) : fc.constant(1),
        spread: gangs ? fc.boolean() : fc.constant(false),
        nodeSelector: constraints ? fc.record({ zone: fc.constantFrom('a', 'b') }) : fc.constant({}),
        tolerations: constraints ? fc.subarray([...TOLERATIONS], { maxLength: 1 }) : fc.constant([]),
        spot: constraints ? fc.constantFrom<SpotPreference>('avoid', 'allow', 'require') : fc.constant<SpotPreference>('allow'),
        tenant: fc.constantFrom('a', 'b'),
      },
      { requiredKeys: ['resources'] },
    )
    .map((request) => request as AllocationRequest);
}

/** Inputs every validating call must refuse (with a FairpackError, changing nothing). */
export function badResourcesArbitrary(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(null, undefined, 42, 'cpu', [1, 2], { cpu: -1 }, { cpu: Number.NaN }, { cpu: Infinity }, { cpu: -Infinity }),
    fc.constantFrom<unknown>({ cpu: '2' }, { cpu: 0.0001 }, { cpu: 1e300 }, { cpu: 2 ** 53 }, { ['__proto__']: 1 }, JSON.parse('{"__proto__": 1}'), { constructor: 1 }, { prototype: 2 }, { '': 1 }),
    fc.double().filter((x) => x < 0 || !Number.isFinite(x)).map((cpu) => ({ cpu })),
  );
}

/** One step of a pool operation sequence (see `applyPoolOperation`). */
export type PoolOperation =
  | { readonly kind: 'allocate'; readonly request: AllocationRequest }
  | { readonly kind: 'release'; readonly pick: number }
  | { readonly kind: 'release-unknown'; readonly id: string }
  | { readonly kind: 'release-twice'; readonly pick: number }
  | { readonly kind: 'add-node'; readonly node: NodeSpec }
  | { readonly kind: 'remove-node'; readonly pick: number; readonly force: boolean }
  | { readonly kind: 'set-status'; readonly pick: number; readonly status: NodeStatus }
  | { readonly kind: 'update-node'; readonly pick: number; readonly labels?: Readonly<Record<string, string>>; readonly taints?: readonly Taint[] }
  | { readonly kind: 'bad-allocate'; readonly request: unknown }
  | { readonly kind: 'bad-node'; readonly node: unknown }
  | { readonly kind: 'duplicate-node'; readonly pick: number };

export interface OperationsArbitraryOptions extends RequestArbitraryOptions {
  /** @default 40 */
  readonly maxLength?: number;
}

/** Random operation sequences: mostly allocate/release, with node changes and bad input mixed in. */
export function poolOperationsArbitrary(options: OperationsArbitraryOptions = {}): fc.Arbitrary<PoolOperation[]> {
  const pick = fc.nat({ max: 1000 });
  const operation: fc.Arbitrary<PoolOperation> = fc.oneof(
    { weight: 8, arbitrary: requestArbitrary(options).map((request) => ({ kind: 'allocate' as const, request })) },
    { weight: 5, arbitrary: pick.map((p) => ({ kind: 'release' as const, pick: p })) },
    { weight: 1, arbitrary: fc.constantFrom('nope', 'x1').map((id) => ({ kind: 'release-unknown' as const, id })) },
    { weight: 1, arbitrary: pick.map((p) => ({ kind: 'release-twice' as const, pick: p })) },
    { weight: 1, arbitrary: fc.nat({ max: 5 }).chain((i) => nodeSpecArbitrary(`x${i}`, options)).map((node) => ({ kind: 'add-node' as const, node })) },
    { weight: 1, arbitrary: fc.tuple(pick, fc.boolean()).map(([p, force]) => ({ kind: 'remove-node' as const, pick: p, force })) },
    { weight: 1, arbitrary: fc.tuple(pick, fc.constantFrom<NodeStatus>('ready', 'draining', 'offline')).map(([p, status]) => ({ kind: 'set-status' as const, pick: p, status })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ pick, labels: fc.record({ zone: fc.constantFrom('a', 'b') }, { requiredKeys: [] }), taints: fc.subarray([...TAINTS], { maxLength: 1 }) }, { requiredKeys: ['pick'] })
        .map((update) => ({ kind: 'update-node' as const, ...update })),
    },
    { weight: 1, arbitrary: badResourcesArbitrary().map((resources) => ({ kind: 'bad-allocate' as const, request: { resources } })) },
    { weight: 1, arbitrary: pick.map((p) => ({ kind: 'duplicate-node' as const, pick: p })) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>({ id: '', capacity: { cpu: 1 } }, { capacity: { cpu: 1 } }, { id: 'y', capacity: { cpu: -1 } }, { id: 'y', capacity: { cpu: 1 }, status: 'up' }, 7).map((node) => ({ kind: 'bad-node' as const, node })) },
  );
  return fc.array(operation, { maxLength: options.maxLength ?? 40 });
}
