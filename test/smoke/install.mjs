// Smoke test of what `npm install fairpack` brings: the packed tarball, installed into an empty
// project, must hold fairpack and its two runtime dependencies (and theirs, if any) — never
// prom-client or @modelcontextprotocol/sdk, optional peer dependencies that only `fairpack serve`
// and `fairpack mcp` load, and say so when they are missing. Needs the build (dist/), as `npm
// pack` packs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'fairpack-install-'));
const project = join(work, 'project');

// `npm run` exports its own config to children (npm_config_local_prefix among it, which would make
// the inner npm install into this repository); keep only where the cache and registry are
const KEEP = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry', 'npm_config_cafile', 'npm_config_noproxy']);
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || KEEP.has(key.toLowerCase())));

function npm(args, cwd) {
  const run = spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
  if (run.error) throw run.error;
  return run;
}

try {
  const packed = npm(['pack', '--json', '--pack-destination', work], root);
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(work, JSON.parse(packed.stdout)[0].filename);

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "fairpack-install-probe", "private": true }\n');
  const install = (mode) => npm(['install', mode, '--no-audit', '--no-fund', '--prefix', project, tarball], project);
  // offline first, from the cache `npm ci` filled; npm may still lack the registry's package
  // documents there (a lockfile install fetches tarballs only), then the registry answers
  let mode = '--offline';
  let run = install(mode);
  if (run.status !== 0) run = install((mode = '--prefer-offline'));
  assert.equal(run.status, 0, run.stderr);

  const modules = join(project, 'node_modules');
  // what the package asks for — an offline install skips an optional dependency it cannot
  // fetch without a word, so the manifest is checked as well as the folder
  const packedManifest = JSON.parse(readFileSync(join(modules, 'fairpack', 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(packedManifest.dependencies).sort(), ['eventemitter3', 'nanoid']);
  assert.equal(packedManifest.optionalDependencies, undefined, 'no optionalDependencies: npm would install them');
  assert.equal(typeof packedManifest.peerDependencies['prom-client'], 'string');
  assert.deepEqual(packedManifest.peerDependenciesMeta['prom-client'], { optional: true });
  assert.equal(typeof packedManifest.peerDependencies['@modelcontextprotocol/sdk'], 'string');
  assert.deepEqual(packedManifest.peerDependenciesMeta['@modelcontextprotocol/sdk'], { optional: true });

  const installed = readdirSync(modules).filter((name) => !name.startsWith('.'));
  const expected = new Set(['fairpack', ...Object.keys(pkg.dependencies)]);
  // the runtime dependencies' own dependencies, if they ever have any
  for (const name of Object.keys(pkg.dependencies)) {
    for (const dep of Object.keys(JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).dependencies ?? {})) expected.add(dep);
  }
  assert.deepEqual(installed.sort(), [...expected].sort(), 'node_modules holds fairpack and its runtime dependencies, nothing else');
  assert.deepEqual([...expected].sort(), ['eventemitter3', 'fairpack', 'nanoid']);
  assert.equal(existsSync(join(modules, 'prom-client')), false, 'prom-client is not installed');
  assert.equal(existsSync(join(modules, '@modelcontextprotocol')), false, 'the MCP SDK is not installed');

  // the bin works without prom-client, and `serve` names what to install
  const cli = join(modules, 'fairpack', pkg.bin.fairpack);
  const line = JSON.stringify({ src: 'c1', dest: 'n1', body: { type: 'capacity', msg_id: 1 } });
  const node = spawnSync(process.execPath, [cli, 'node'], { cwd: project, input: `${line}\n`, encoding: 'utf8' });
  assert.equal(node.status, 0, node.stderr);
  assert.equal(JSON.parse(node.stdout).body.type, 'capacity_ok');
  const serve = spawnSync(process.execPath, [cli, 'serve', '--port', '0'], { cwd: project, encoding: 'utf8', timeout: 30_000 });
  assert.equal(serve.status, 1, serve.stderr);
  assert.match(serve.stderr, /prom-client, an optional peer dependency of fairpack.*npm install prom-client/);
  // `mcp` too names what to install (and its core, fairpack/mcp, needs nothing more)
  const mcp = spawnSync(process.execPath, [cli, 'mcp'], { cwd: project, input: '', encoding: 'utf8', timeout: 30_000 });
  assert.equal(mcp.status, 1, mcp.stderr);
  assert.match(mcp.stderr, /@modelcontextprotocol\/sdk, an optional peer dependency of fairpack.*npm install @modelcontextprotocol\/sdk/);
  const core = spawnSync(process.execPath, ['--input-type=module', '-e', "import { AllocationTools } from 'fairpack/mcp'; console.log(new AllocationTools().getCapacity().total_workers)"], { cwd: project, encoding: 'utf8' });
  assert.equal(core.stdout.trim(), '10', core.stderr);
  // fairpack/simulate needs no optional dependency either
  const simulation = spawnSync(process.execPath, ['--input-type=module', '-e', "import { simulate } from 'fairpack/simulate'; const s = await simulate({ workload: { jobs: 50 }, nodes: 3, strategies: ['best-fit'], policies: ['fifo'] }); console.log(s.results[0].jobs.completed)"], { cwd: project, encoding: 'utf8' });
  assert.equal(simulation.stdout.trim(), '50', simulation.stderr);
  // `fairpack simulate` computes its runs on worker threads: the worker (simulate-worker.js, beside cli.js) is in the tarball
  const parallel = spawnSync(process.execPath, [cli, 'simulate', '--jobs', '50', '--nodes', '3', '--strategies', 'best-fit', '--policies', 'fifo,drf', '--workers', '2', '--json', '--no-progress'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  assert.equal(parallel.status, 0, parallel.stderr);
  assert.deepEqual(JSON.parse(parallel.stdout).results.map((result) => result.jobs.completed), [50, 50]);
  console.log(`smoke (install): ok — ${installed.sort().join(', ')} (npm install ${mode})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
