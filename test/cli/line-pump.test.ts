import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pumpLines } from '../../src/cli/node/line-pump.js';

/** An output that takes writes only when the test says so, like a client that does not read. */
function stalledOutput(): { output: Writable; written: string[]; accept: () => void } {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const output = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      written.push(String(chunk));
      pending.push(() => callback());
    },
  });
  return { output, written, accept: () => pending.splice(0).forEach((done) => done()) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('pumpLines', () => {
  it('stops answering while the output is full: one chunk of small reads cannot pile up large answers', async () => {
    const { output, written, accept } = stalledOutput();
    const input = new PassThrough();
    let answered = 0;
    // each answer is as large as an `allocations` read on a busy node
    const done = pumpLines(input, output, (line) => (answered++, [`${line}:${'x'.repeat(100_000)}`]), 1000);
    input.end(Array.from({ length: 500 }, (_, i) => `q${i}\n`).join(''));
    await tick();
    // one answer filled the output; the other 499 lines wait in the chunk
    expect(answered).toBe(1);
    expect(written).toHaveLength(1);
    while (answered < 500) {
      accept();
      await tick();
    }
    accept();
    await tick();
    accept();
    expect(await done).toEqual({ lines: 500, replies: 500 });
    expect(written.join('').split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':')))).toEqual(Array.from({ length: 500 }, (_, i) => `q${i}`));
  });

  it('batches small answers into few writes, in order, and handles split and over-long lines', async () => {
    const output = new PassThrough();
    let text = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const input = new PassThrough();
    const done = pumpLines(input, output, (line) => [line.length > 10 ? 'too long' : `<${line}>`], 10);
    input.write('a\r\nb');
    input.write('c\n\n');
    input.write('x'.repeat(30));
    input.write('y'.repeat(30));
    input.end('\nlast');
    expect(await done).toEqual({ lines: 4, replies: 4 });
    expect(text).toBe('<a>\n<bc>\ntoo long\n<last>\n');
  });
});
