import { type ParseArgsConfig, parseArgs } from 'node:util';
import { didYouMean, didYouMeanHint } from '../did-you-mean.js';

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

/**
 * A command's flags by `util.parseArgs` (no positionals), its errors turned into usage errors; an
 * unknown flag gets the closest known one (`--prot` → `Did you mean --port?`).
 */
export function parseFlags<const F extends FlagsConfig>(args: readonly string[], flags: F): ParsedFlags<F> {
  try {
    return parseArgs({ args: [...args], options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /Unknown option '(-[^']*)'/.exec(message)?.[1] : undefined;
    if (unknown === undefined) throw new UsageError(message);
    const suggestion = didYouMean(unknown.replace(/^-+/, '').split('=')[0] as string, Object.keys(flags));
    throw new UsageError(`Unknown option ${unknown}.${didYouMeanHint(suggestion, (name) => `--${name}`)}`);
  }
}
