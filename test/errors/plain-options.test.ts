import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AllocationManager } from '../../src/index.js';
import { ownCopy, plainOptions } from '../../src/user-input.js';
import { refused } from '../support.js';

const run = promisify(execFile);

/*
 * Constructor options are copied once, all the way down (src/user-input.ts). Names are copied as
 * the caller's own data whatever they are: `__proto__` and the names Object.prototype has are
 * defined on the copy, every other name assigned.
 */
describe('plainOptions', () => {
  it('copies plain objects and arrays deeply and keeps instances as they are', () => {
    const clock = (): number => 0;
    const map = new Map([['a', 1]]);
    const input = { nodes: [{ id: 'n1', capacity: { cpu: 4 }, labels: { zone: 'a' } }], now: clock, map };
    const copy = plainOptions(input, 'the test options');
    expect(copy).toEqual(input);
    expect(copy.nodes).not.toBe(input.nodes);
    expect(copy.nodes[0]).not.toBe(input.nodes[0]);
    expect(copy.nodes[0]?.capacity).not.toBe(input.nodes[0]?.capacity);
    expect(copy.now).toBe(clock);
    expect(copy.map).toBe(map);
  });

  it('copies `__proto__` and Object.prototype names as own data, and pollutes nothing', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"toString":"t","constructor":"c","hasOwnProperty":"h","cpu":2}') as Record<string, unknown>;
    const copy = plainOptions(input, 'the test options');
    expect(Object.keys(copy)).toEqual(['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'cpu']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')).toEqual({ value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    expect(copy['toString']).toBe('t');
    expect(copy['cpu']).toBe(2);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // a null-prototype object stays one
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    Object.defineProperty(bare, '__proto__', { value: 'p', enumerable: true, writable: true, configurable: true });
    const bareCopy = plainOptions(bare, 'the test options');
    expect(Object.getPrototypeOf(bareCopy)).toBeNull();
    expect(Object.keys(bareCopy)).toEqual(['a', '__proto__']);
    expect(bareCopy['__proto__']).toBe('p');
  });

  it('takes options a fairpack layer marked as its own copy as they are, and copies any other', () => {
    const own = ownCopy({ nodes: [{ id: 'n1', capacity: { cpu: 4 } }] });
    expect(plainOptions(own, 'the test options')).toBe(own);
    const caller = { nodes: [{ id: 'n1', capacity: { cpu: 4 } }] };
    expect(plainOptions(caller, 'the test options')).not.toBe(caller);
  });

  it('a manager copies its options once: what the caller changes afterwards changes nothing', () => {
    const labels: Record<string, string> = { zone: 'a' };
    const nodes = [{ id: 'n1', capacity: { cpu: 4 }, labels, costPerHour: 2 }];
    const manager = new AllocationManager({ nodes, now: () => 0 });
    nodes.push({ id: 'n2', capacity: { cpu: 8 }, labels, costPerHour: 1 });
    labels['zone'] = 'b';
    (nodes[0] as { capacity: { cpu: number } }).capacity.cpu = 64;
    expect(manager.nodes().map((node) => [node.id, node.capacity, node.labels, node.costPerHour])).toEqual([['n1', { cpu: 4 }, { zone: 'a' }, 2]]);
  });

  it('turns a getter that throws into a typed refusal', () => {
    const input = {
      get nodes(): never {
        throw new Error('no nodes today');
      },
    };
    const error = refused(() => plainOptions(input, 'the test options'));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('no nodes today');
  });

  it('copies names a frozen Object.prototype has (hardened JavaScript) without throwing', async () => {
    // freezing Object.prototype needs a process of its own
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/errors/fixtures/frozen-prototype.ts'], { timeout: 60_000 });
    const printed = JSON.parse(stdout) as { copy: Record<string, unknown>; own: string[]; polluted: unknown; labels: unknown; labelsFrozen: boolean };
    expect(printed.copy['labels']).toEqual({ toString: 'x', constructor: 'y', zone: 'a' });
    expect(printed.labels).toEqual({ toString: 'x', constructor: 'y', zone: 'a' });
    expect(printed.labelsFrozen).toBe(true);
    expect(printed.own).toEqual(['labels', '__proto__']);
    expect(printed.polluted).toBeNull();
  }, 90_000);
});
