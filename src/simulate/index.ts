/**
 * fairpack/simulate — the simulator as a library: compare placement strategies × fairness
 * policies on a workload in simulated time, and draw the comparison as a self-contained HTML
 * page. No I/O and no clock: it runs in Node, browsers, Deno and Bun (docs/simulate.md).
 */
export { simulate } from './simulate.js';
export { type RunHooks, type RunOutput, type ScenarioSummary, type SimulationRuns, type SimulationTask, simulationRuns } from './runs.js';
export type { SimulationRunner } from './parallel-runs.js';
export type { EstimateError } from './estimate-error.js';
export { type SimulateOptions, type SimulationProgress, type SpotOptions, type SyntheticWorkload, DEFAULTS } from './options.js';
export {
  type Combination,
  type InterruptionFigures,
  type NodeSnapshot,
  type SeedSpread,
  type WaitBox,
  type RunResult,
  type RunSeries,
  type SimulationReport,
  type SimulationResults,
  jsonDocument,
  labelOf,
} from './results.js';
export type { ScenarioDescription } from './scenario.js';
export type { WaitSummary } from './stats.js';
export { type TraceRow } from './trace-rows.js';
export { type TraceJob, type TraceParseResult, type TraceProblem, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, parseTrace } from './trace.js';
export { type ReportOptions, renderReport } from './report/html.js';
export { type Objective, objectiveNames } from './objective.js';
export type { Alternative, Recommendation } from './recommend.js';
export { syntheticCluster } from './workload.js';
export { type AutoscaleMode, autoscaleModes } from './autoscale-settings.js';
export type { NodeTypeSpec } from '../manager/scaling/scaling-options.js';
