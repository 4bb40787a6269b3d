export interface LinePumpStats {
  /** Non-blank lines read (an over-long line counts once). */
  readonly lines: number;
  readonly replies: number;
}

/**
 * Feeds `input` to `answer` one line at a time, in order, and writes the answers one per line.
 * The answers to one chunk of input go out in one write; when `output` is full, `input` pauses
 * until it drains, so a slow reader never makes the process buffer without bound. A line longer
 * than `maxLength` is not buffered whole: `answer` gets its first `maxLength + 1` characters (to
 * refuse) and the rest up to its newline is dropped. Resolves at the end of `input` once
 * everything was written (or when `output` fails, e.g. a closed pipe).
 */
export function pumpLines(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, answer: (line: string) => string[], maxLength: number): Promise<LinePumpStats> {
  return new Promise((resolve) => {
    let lines = 0;
    let replies = 0;
    let partial = '';
    // inside a line that grew past the limit: drop everything up to its newline
    let skipping = false;
    let done = false;

    const finish = (): void => {
      if (done) return;
      done = true;
      resolve({ lines, replies });
    };
    const take = (line: string, out: string[]): void => {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (text.trim().length === 0) return;
      lines++;
      for (const reply of answer(text)) out.push(reply);
    };
    const write = (out: string[]): void => {
      if (out.length === 0 || done) return;
      replies += out.length;
      if (!output.write(`${out.join('\n')}\n`)) {
        input.pause();
        output.once('drain', () => input.resume());
      }
    };

    output.on('error', () => {
      // the reader went away (EPIPE): nobody is left to answer
      (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      finish();
    });
    input.setEncoding('utf8');
    input.on('data', (chunk: string | Buffer) => {
      const text = String(chunk);
      const out: string[] = [];
      let start = 0;
      for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
        const piece = text.slice(start, newline);
        start = newline + 1;
        if (skipping) {
          skipping = false;
          continue;
        }
        take(partial + piece, out);
        partial = '';
      }
      if (!skipping) {
        partial += text.slice(start);
        if (partial.length > maxLength) {
          take(partial.slice(0, maxLength + 1), out);
          partial = '';
          skipping = true;
        }
      }
      write(out);
    });
    input.on('end', () => {
      const out: string[] = [];
      if (!skipping) take(partial, out);
      write(out);
      // resolve once what was written has been handed to the OS
      if (done) return;
      output.write('', () => finish());
    });
    input.on('error', () => finish());
  });
}
