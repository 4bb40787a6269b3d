export interface LinePumpStats {
  /** Non-blank lines read (an over-long line counts once). */
  readonly lines: number;
  readonly replies: number;
}

/**
 * Answers are written in batches of about this many characters. One reply can be large (an
 * `allocations` read lists every live allocation), so a chunk of input full of small reads could
 * otherwise build gigabytes of answers before the first write; with batches, what the process
 * holds is bounded by one batch plus one line's answers, beyond stdout's own buffer.
 */
const BATCH_CHARS = 64 * 1024;

/**
 * Feeds `input` to `answer` one line at a time, in order, and writes the answers one per line.
 * Backpressure is per line, not per chunk: when `output` is full, answering stops — the rest of
 * the chunk waits, unread input stays in the pipe — until `output` drains, so a client that sends
 * faster than it reads never makes the process buffer without bound. A line longer than
 * `maxLength` is not buffered whole: `answer` gets its first `maxLength + 1` characters (to
 * refuse) and the rest up to its newline is dropped. Resolves at the end of `input` once
 * everything was written (or when `output` fails, e.g. a closed pipe).
 */
export function pumpLines(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, answer: (line: string) => string[], maxLength: number): Promise<LinePumpStats> {
  return new Promise((resolve) => {
    let lines = 0;
    let replies = 0;
    // received text not yet answered: buffer[offset…]; it holds at most one chunk, as input is
    // paused until it is done
    let buffer = '';
    let offset = 0;
    // the start of a line whose newline has not arrived yet (at most maxLength characters)
    let partial = '';
    // inside a line that grew past the limit: drop everything up to its newline
    let skipping = false;
    let batch: string[] = [];
    let batchChars = 0;
    let waitingForDrain = false;
    let ended = false;
    let done = false;

    const finish = (): void => {
      if (done) return;
      done = true;
      resolve({ lines, replies });
    };
    const take = (line: string): void => {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (text.trim().length === 0) return;
      lines++;
      for (const reply of answer(text)) {
        batch.push(reply);
        batchChars += reply.length + 1;
      }
    };
    /** Writes the batch; false when `output` is full (then `run` resumes on 'drain'). */
    const flush = (): boolean => {
      if (batch.length === 0 || done) return true;
      replies += batch.length;
      const room = output.write(`${batch.join('\n')}\n`);
      batch = [];
      batchChars = 0;
      if (room) return true;
      waitingForDrain = true;
      output.once('drain', () => {
        waitingForDrain = false;
        run();
      });
      return false;
    };
    /** Answers the complete lines in `buffer`, stopping whenever `output` is full. */
    const run = (): void => {
      if (done) return;
      for (let newline = buffer.indexOf('\n', offset); newline >= 0; newline = buffer.indexOf('\n', offset)) {
        const piece = buffer.slice(offset, newline);
        offset = newline + 1;
        if (skipping) skipping = false;
        else {
          take(partial + piece);
          partial = '';
        }
        if (batchChars >= BATCH_CHARS && !flush()) return;
      }
      if (!skipping) {
        partial += buffer.slice(offset);
        if (partial.length > maxLength) {
          take(partial.slice(0, maxLength + 1));
          partial = '';
          skipping = true;
        }
      }
      buffer = '';
      offset = 0;
      if (!flush()) return;
      if (!ended) {
        input.resume();
        return;
      }
      if (!skipping) take(partial);
      partial = '';
      if (!flush()) return;
      // resolve once what was written has been handed to the OS
      output.write('', () => finish());
    };

    output.on('error', () => {
      // the reader went away (EPIPE): nobody is left to answer
      (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      finish();
    });
    input.setEncoding('utf8');
    input.on('data', (chunk: string | Buffer) => {
      input.pause();
      buffer = buffer.slice(offset) + String(chunk);
      offset = 0;
      if (!waitingForDrain) run();
    });
    input.on('end', () => {
      ended = true;
      if (!waitingForDrain) run();
    });
    input.on('error', () => finish());
  });
}
