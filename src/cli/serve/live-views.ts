import type { AllocationManager } from '../../index.js';
import { EventHub, type EventHubOptions } from './event-hub.js';
import { DEFAULT_STREAM_LIMITS, type EventStreamLimits, EventStreams } from './event-streams.js';
import { JobTimelines } from './job-timelines.js';
import { attachManagerEvents } from './manager-events.js';
import { RecentActivity } from './recent-activity.js';
import { UtilisationHistory, type UtilisationHistoryOptions } from './utilisation-history.js';

/** Options of what the server derives from the event stream (`startServer`'s `events`). */
export interface LiveOptions extends Partial<EventStreamLimits>, Pick<EventHubOptions, 'bufferEvents' | 'bufferBytes'> {
  /**
   * A hub fed by someone else (a replica feeding it from the manager it follows): the server then
   * does not attach its own manager to it. Without one, the server's manager feeds a hub of its own.
   */
  readonly hub?: EventHub;
  readonly utilisation?: UtilisationHistoryOptions;
}

/** The event hub and what hangs off it: the SSE streams, job histories, recent activity, utilisation. */
export interface LiveViews {
  readonly hub: EventHub;
  readonly streams: EventStreams;
  readonly timelines: JobTimelines;
  readonly activity: RecentActivity;
  readonly utilisation: UtilisationHistory;
  /**
   * Feeds the hub from the manager requests are answered from now: a replica swaps managers (a
   * follower rebuilt from the store, a promotion), and the hub follows — resetting its streams if
   * the new manager's history is not where the hub stands. Called on every request and every second.
   */
  follow(): void;
  /** Ends the streams, stops the sampler, detaches from the manager. */
  close(): void;
}

/** How often the views look for a new manager between requests. */
const FOLLOW_MS = 1_000;

export function createLiveViews(current: () => AllocationManager, options: LiveOptions = {}): LiveViews {
  const own = options.hub === undefined;
  const hub = options.hub ?? new EventHub({ ...pick(options, ['bufferEvents', 'bufferBytes']), seq: current().journalSeq() });
  let attached: AllocationManager | undefined;
  let detach = (): void => {};
  const follow = (): void => {
    if (!own || current() === attached) return;
    detach();
    attached = current();
    detach = attachManagerEvents(hub, attached);
  };
  follow();
  const following = setInterval(follow, FOLLOW_MS);
  following.unref();
  const streams = new EventStreams(hub, { ...DEFAULT_STREAM_LIMITS, ...pick(options, ['maxStreams', 'maxBufferedBytes', 'slowReaderMs', 'keepAliveMs']) });
  const timelines = new JobTimelines();
  const activity = new RecentActivity();
  const unsubscribe = [hub.subscribe(timelines.record), hub.subscribe(activity.record)];
  const utilisation = new UtilisationHistory(current, options.utilisation);
  utilisation.start();
  return {
    hub,
    streams,
    timelines,
    activity,
    utilisation,
    follow,
    close() {
      clearInterval(following);
      streams.closeAll();
      utilisation.stop();
      for (const stop of unsubscribe) stop();
      detach();
    },
  };
}

/** The given keys of `options` that are set (exactOptionalPropertyTypes: no `undefined` passed on). */
function pick<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}
