import { expect } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { parseSimulateArgs } from '../../src/cli/simulate/options.js';

/** The usage error `fairpack simulate` gives for `args` (the test fails if they are accepted). */
export function refusedBySimulate(args: string[]): string {
  try {
    parseSimulateArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${args.join(' ')}`);
}
