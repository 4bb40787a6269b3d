// The built declarations show no internal member: no `private` (TypeScript's private members are
// emitted by name) and no `@internal` tag. Internals are ES private (#) or module-level.
import { readFileSync, readdirSync } from 'node:fs';

const files = readdirSync('dist').filter((file) => file.endsWith('.d.ts') || file.endsWith('.d.cts'));
if (files.length === 0) throw new Error('no declarations in dist/: run the build first');
const leaks = [];
for (const file of files) {
  readFileSync(`dist/${file}`, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/^\s+private\s|@internal/.test(line)) leaks.push(`dist/${file}:${i + 1}: ${line.trim()}`);
    });
}
if (leaks.length > 0) throw new Error(`internal members in the public declarations:\n${leaks.join('\n')}`);
console.log(`declarations: ${files.length} files, no private or @internal member`);
