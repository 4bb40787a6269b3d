import { describe, expect, it } from 'vitest';
import { parseTrace, splitCsvLine } from '../../src/simulate/trace.js';

const HEADER = 'submit_time_s,tenant,priority,cpu,memory,gpu,duration_s,deadline_s';

function problemsOf(text: string): { line: number; message: string }[] {
  const parsed = parseTrace(text);
  if (parsed.ok) throw new Error('expected problems, the trace parsed');
  return [...parsed.problems];
}

describe('trace parsing', () => {
  it('reads good rows into jobs in milliseconds, sorted by submit time, with their line numbers', () => {
    const text = [
      '# a comment, then a blank line',
      '',
      HEADER,
      '10,web,high,2,4,0,60,',
      '0.5,etl,,8,32.25,0,900,1800',
      '10,"ml, team",default,16,128,2,3600,',
      '',
    ].join('\n');
    const parsed = parseTrace(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.jobs).toEqual([
      // an empty priority is the default class; deadline_s is absolute, in ms like every time
      { line: 5, submitAt: 500, tenant: 'etl', priority: 'default', resources: { cpu: 8, memory: 32.25 }, durationMs: 900_000, deadline: 1_800_000 },
      // equal submit times keep file order
      { line: 4, submitAt: 10_000, tenant: 'web', priority: 'high', resources: { cpu: 2, memory: 4 }, durationMs: 60_000 },
      { line: 6, submitAt: 10_000, tenant: 'ml, team', priority: 'default', resources: { cpu: 16, memory: 128, gpu: 2 }, durationMs: 3_600_000 },
    ]);
  });

  it('accepts the columns in any order, without deadline_s, and CRLF line ends', () => {
    const parsed = parseTrace('tenant,cpu,memory,gpu,duration_s,priority,submit_time_s\r\nweb,1,2,0,5,low,3\r\n');
    expect(parsed).toEqual({ ok: true, jobs: [{ line: 2, submitAt: 3000, tenant: 'web', priority: 'low', resources: { cpu: 1, memory: 2 }, durationMs: 5000 }] });
  });

  it('reports every bad row with its line number and what is wrong, and keeps no jobs', () => {
    const problems = problemsOf(
      [
        HEADER,
        '0,web,default,1,1,0,10,', // line 2: fine
        'soon,web,default,1,1,0,10,', // 3
        '0,,default,1,1,0,10,', // 4
        '0,web,urgent,1,1,0,10,', // 5
        '0,web,default,-1,1,0,10,', // 6
        '0,web,default,0.0005,1,0,10,', // 7
        '0,web,default,1,1,0,0,', // 8
        '0,web,default,0,0,0,10,', // 9
        '5,web,default,1,1,0,10,4', // 10
        '0,web,default,1,1,0', // 11
        '0,web,default,1,,0,10,', // 12
        '-3,web,default,1,1,0,10,', // 13
        '0,"web,default,1,1,0,10,', // 14
      ].join('\n'),
    );
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const message = (line: number): string => problems.find((p) => p.line === line)?.message ?? '';
    expect(message(3)).toMatch(/submit_time_s: expected a number, got "soon"/);
    expect(message(4)).toMatch(/tenant: expected a non-empty name/);
    expect(message(5)).toMatch(/priority: expected one of real-time, high, default, low, best-effort .*got "urgent"/);
    expect(message(6)).toMatch(/cpu: expected an amount >= 0, got -1/);
    expect(message(7)).toMatch(/cpu: expected at most 3 decimal places, got 0.0005/);
    expect(message(8)).toMatch(/duration_s: expected a duration > 0, got 0/);
    expect(message(9)).toMatch(/at least one of cpu, memory, gpu to be > 0/);
    expect(message(10)).toMatch(/deadline_s: expected a time >= submit_time_s \(5\)/);
    expect(message(11)).toMatch(/expected 8 fields as in the header, got 6/);
    expect(message(12)).toMatch(/memory: expected a number, got an empty field/);
    expect(message(13)).toMatch(/submit_time_s: expected a time >= 0, got -3/);
    expect(message(14)).toMatch(/quoted field is not closed/);
  });

  it('puts every problem of a row in one message', () => {
    expect(problemsOf(`${HEADER}\nx,,nope,1,1,0,-1,`)).toEqual([
      { line: 2, message: expect.stringMatching(/^submit_time_s: .*; tenant: .*; priority: .*; duration_s: .*$/) },
    ]);
  });

  it('refuses a broken header (and does not parse rows against it)', () => {
    expect(problemsOf('submit_time_s,tenant,priority,cpu,memory,gpu\n0,web,default,1,1,0')).toEqual([{ line: 1, message: expect.stringMatching(/lacks column duration_s/) }]);
    expect(problemsOf(`${HEADER},deadine\n`)[0]?.message).toMatch(/unknown column "deadine"/);
    expect(problemsOf('tenant,tenant\n')[0]?.message).toMatch(/column "tenant" appears twice/);
  });

  it('refuses an empty trace and a trace without jobs', () => {
    expect(problemsOf('# only a comment\n\n')[0]?.message).toMatch(/the trace is empty/);
    expect(problemsOf(`${HEADER}\n`)[0]?.message).toMatch(/header but no jobs/);
  });

  it('splits CSV lines with RFC 4180 quotes', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(splitCsvLine('"a" x,b')).toMatch(/unexpected text after a quoted field/);
  });
});
