import { Writable } from 'node:stream';

/** Answers held back at most: past it `write` returns false and the line pump stops reading. */
const HIGH_WATER_MARK = 256 * 1024;

/**
 * The output of `fairpack node --data`: text written here goes on to `target` only once
 * everything logged before it is durable (`durable()` resolves), in the order it was written.
 * While an fsync is in flight the pump goes on answering (up to the high-water mark), so the
 * lines of a busy client share one fsync. When the store fails, nothing more goes out: the
 * stream fails with the store's error.
 */
export function durableOutput(target: NodeJS.WritableStream, durable: () => Promise<void>): Writable {
  const gate = new Writable({
    highWaterMark: HIGH_WATER_MARK,
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      durable().then(
        () => {
          if (chunk.length === 0 || target.write(chunk)) done();
          else target.once('drain', () => done());
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  target.on('error', (error: Error) => gate.destroy(error));
  return gate;
}
