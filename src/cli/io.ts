import { type ParseArgsConfig, parseArgs } from 'node:util';

/** What a subcommand may touch: its streams and environment, passed in so tests can drive it. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A subcommand: parses its own arguments, resolves with the process exit code. */
export interface CliCommand {
  readonly summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type FlagsConfig = NonNullable<ParseArgsConfig['options']>;
export type ParsedFlags<F extends FlagsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: F; strict: true; allowPositionals: false }>>['values'];

/** A command's flags by `util.parseArgs` (no positionals), its errors turned into usage errors. */
export function parseFlags<const F extends FlagsConfig>(args: readonly string[], flags: F): ParsedFlags<F> {
  try {
    return parseArgs({ args: [...args], options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
