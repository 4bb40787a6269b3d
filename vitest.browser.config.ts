import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:browser`: the tests that drive a real headless Chromium (test/browser); kept out
// of `npm test` so that it stays fast. `.ci/run` installs Debian's chromium and runs them.
export default defineConfig({
  resolve: base.resolve,
  test: { include: ['test/browser/**/*.test.ts'], testTimeout: 120_000, fileParallelism: false },
});
