// Smoke test of the built `fairpack` bin, as npm links it: runs with node, answers --help and
// --version, and serves one protocol exchange on stdin/stdout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const bin = new URL(`../../${pkg.bin.fairpack}`, import.meta.url);
assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'the bin starts with a shebang');

const help = spawnSync(process.execPath, [bin.pathname, '--help'], { encoding: 'utf8' });
assert.equal(help.status, 0, help.stderr);
for (const command of ['simulate', 'node', 'serve', 'mcp']) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));

for (const flag of ['--version', '-v']) {
  const version = spawnSync(process.execPath, [bin.pathname, flag], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout, `${pkg.version}\n`, `${flag} prints the package version`);
}

const line = JSON.stringify({ src: 'c1', dest: 'n1', body: { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }] } });
const node = spawnSync(process.execPath, [bin.pathname, 'node'], { input: `${line}\n`, encoding: 'utf8' });
assert.equal(node.status, 0, node.stderr);
const reply = JSON.parse(node.stdout.trim());
assert.deepEqual([reply.src, reply.dest, reply.body.type, reply.body.in_reply_to, reply.body.resources], ['n1', 'c1', 'allocated', 1, { gpu: 2 }]);
console.log('smoke (cli): ok');
