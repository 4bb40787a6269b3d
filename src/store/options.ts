import { FairpackError, describeValue } from '../errors.js';
import { checkKnownKeys, knownKeys } from '../known-keys.js';

const OPTIONS = knownKeys('DataDirectory option', ['fs', 'isProcessAlive'], 'INVALID_OPTION');
const FILE_SYSTEM_CALLS = ['mkdir', 'readdir', 'readFile', 'writeFile', 'open', 'rename', 'unlink', 'link', 'syncDirectory'] as const;

/** Checks `DataDirectory.open`'s options once, before anything touches the disk. */
export function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new FairpackError('INVALID_OPTION', `Expected DataDirectory options to be an object, got ${describeValue(options)}.`, { option: 'options' });
  }
  checkKnownKeys(options, OPTIONS);
  const { fs, isProcessAlive } = options as Record<string, unknown>;
  if (fs !== undefined) {
    const missing = FILE_SYSTEM_CALLS.filter((call) => typeof (fs as Record<string, unknown> | null)?.[call] !== 'function');
    if (missing.length > 0) {
      throw new FairpackError('INVALID_OPTION', `Expected \`fs\` to implement StoreFileSystem, but it lacks ${missing.join(', ')}. Wrap nodeFileSystem and override only what you need.`, { option: 'fs', missing });
    }
  }
  if (isProcessAlive !== undefined && typeof isProcessAlive !== 'function') {
    throw new FairpackError('INVALID_OPTION', `Expected \`isProcessAlive\` to be a function (pid) => boolean, got ${describeValue(isProcessAlive)}.`, { option: 'isProcessAlive' });
  }
}
