import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodesFile, parseCapacityFlag } from '../../src/cli/cluster.js';
import { UsageError } from '../../src/cli/io.js';

describe('cluster flags', () => {
  it('parses --capacity pairs, fractions included', () => {
    expect(parseCapacityFlag('cpu=16,memory=64.5, gpu=8')).toEqual({ cpu: 16, memory: 64.5, gpu: 8 });
  });

  it('refuses malformed or repeated pairs with a usage error', () => {
    for (const bad of ['cpu', 'cpu=', 'cpu=abc', 'cpu=1,,gpu=2', 'cpu=1,cpu=2']) expect(() => parseCapacityFlag(bad)).toThrow(UsageError);
  });

  it('reads a nodes file as an array or { nodes }', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairpack-nodes-'));
    const nodes = [{ id: 'n1', capacity: { cpu: 8 } }];
    writeFileSync(join(dir, 'a.json'), JSON.stringify(nodes));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ nodes }));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(await loadNodesFile(join(dir, 'a.json'))).toEqual(nodes);
    expect(await loadNodesFile(join(dir, 'b.json'))).toEqual(nodes);
    await expect(loadNodesFile(join(dir, 'bad.json'))).rejects.toThrow(/does not parse/);
    await expect(loadNodesFile(join(dir, 'missing.json'))).rejects.toThrow(/Could not read/);
  });
});
