import { inputSchema, parseArguments } from '../../mcp/argument-spec.js';
import type { McpToolDefinition } from '../../mcp/index.js';
import type { JsonObject } from '../../pool/index.js';
import { UsageError } from '../io.js';

const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;
const FIELDS = { seconds: { kind: 'number', required: true, minimum: 0, maximum: TEN_YEARS_SECONDS, description: 'How far to move the clock forward, in seconds' } } as const;

export const ADVANCE_CLOCK_TOOL = 'advance_clock';

/**
 * A clock for tests of the real binary (`--test-clock <iso>`): it starts at the given instant and
 * moves only when the extra tool `advance_clock` says so, so a test can pass a TTL in a
 * millisecond. Nothing is due until a tool runs: with this clock the manager keeps no timer, and
 * an allocation past its TTL stays `active` (with `is_expired: true`) until `cleanup_expired` —
 * the seed's manual cleanup. Not for production: the tool lets any client move time.
 */
export class TestClock {
  private ms: number;

  constructor(start: string) {
    this.ms = Date.parse(start);
    if (!Number.isFinite(this.ms)) throw new UsageError(`Expected --test-clock to be an ISO 8601 time (e.g. 2025-12-08T19:00:00Z), got "${start}".`);
  }

  readonly now = (): number => this.ms;

  readonly definition: McpToolDefinition = {
    name: ADVANCE_CLOCK_TOOL as McpToolDefinition['name'],
    title: 'Advance the test clock',
    description: 'Testing only (fairpack mcp --test-clock): moves the clock forward by `seconds`; answers the new time.',
    inputSchema: inputSchema(FIELDS),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  };

  advance(args: unknown): JsonObject {
    const { seconds } = parseArguments(ADVANCE_CLOCK_TOOL, FIELDS, args);
    this.ms += seconds * 1000;
    return { now: new Date(this.ms).toISOString() };
  }
}
