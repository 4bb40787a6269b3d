import { defineConfig } from 'tsup';

const entry = { index: 'src/index.ts', testing: 'src/testing/index.ts', mcp: 'src/mcp/index.ts', client: 'src/client/index.ts', simulate: 'src/simulate/index.ts' };

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    external: ['fast-check'],
  },
  {
    // nanoid 5 is ESM-only: the CommonJS build carries its own copy so that
    // `require('fairpack')` works on every Node >= 20, not only where require(esm) exists.
    entry,
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    external: ['fast-check'],
    noExternal: ['nanoid'],
  },
  {
    // the `fairpack` command: one ESM file with a shebang; prom-client and the MCP SDK stay
    // optional peer dependencies, imported only when `fairpack serve` (pg: with --store) / `fairpack mcp` start.
    // simulate-worker.js: the worker thread of `fairpack simulate --workers`, found beside cli.js
    // (src/cli/simulate/worker-entry.ts); what the two share goes to chunks in the same folder
    entry: { cli: 'src/cli/main.ts', 'simulate-worker': 'src/cli/simulate/worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['prom-client', '@modelcontextprotocol/sdk', 'pg'],
    banner: { js: '#!/usr/bin/env node' },
  },
]);
