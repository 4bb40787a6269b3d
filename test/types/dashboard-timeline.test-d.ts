import { describe, expectTypeOf, it } from 'vitest';
import type { TimelineEntry } from '../../src/cli/serve/dashboard/client/types.js';
import type { JobTimelineEntry } from '../../src/cli/serve/job-timelines.js';

/*
 * The dashboard keeps its own copy of the job-history entry: its code is type-checked for the
 * browser (tsconfig.dashboard.json: DOM, no Node types), and the server's module brings in the
 * event hub, which is Node code. This keeps the copy from drifting from what the server answers.
 */
describe('the dashboard reads what the server answers', () => {
  it("a job's history entry (GET /jobs/:id/events) is the server's JobTimelineEntry, field for field", () => {
    expectTypeOf<TimelineEntry>().toEqualTypeOf<JobTimelineEntry>();
  });
});
