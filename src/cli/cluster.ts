import { readFile } from 'node:fs/promises';
import { type NodeSpec, type Resources } from '../index.js';
import { UsageError } from './io.js';

/**
 * Cluster flags shared by `fairpack node`, `serve` and `simulate`:
 * `--capacity cpu=16,memory=64,gpu=8` (one node `default`) or `--nodes nodes.json`.
 * Values are checked here only for shape; the pool validates amounts and reports them exactly.
 */
export function parseCapacityFlag(text: string): Resources {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(part);
    const amount = match === null ? NaN : Number(match[2]);
    if (match === null || match[2] === '' || Number.isNaN(amount)) {
      throw new UsageError(`Expected --capacity as name=amount pairs separated by commas (e.g. cpu=16,memory=64,gpu=8), got "${text}".`);
    }
    const name = match[1] as string;
    if (Object.hasOwn(out, name)) throw new UsageError(`Expected each dimension once in --capacity, got "${name}" twice.`);
    out[name] = amount;
  }
  return out;
}

/**
 * Reads a nodes file: a JSON array of node specs (`[{ "id": "n1", "capacity": { "cpu": 8 } }]`)
 * or an object `{ "nodes": [...] }`. The pool checks each node; this checks the file's shape.
 */
export async function loadNodesFile(path: string): Promise<NodeSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Could not read --nodes file "${path}": ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Expected --nodes file "${path}" to be JSON, but it does not parse: ${(error as Error).message}`);
  }
  const nodes = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? (data as { nodes?: unknown }).nodes : undefined;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new UsageError(`Expected --nodes file "${path}" to hold a non-empty array of nodes ({ "id", "capacity", "labels"?, "taints"? }) or { "nodes": [...] }.`);
  }
  return nodes as NodeSpec[];
}
