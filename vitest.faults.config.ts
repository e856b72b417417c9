// The reliability suite (`npm run test:faults`): kill -9 at seeded random points, injected transient faults,
// the bad-input matrix and the secrets check. Slower than `npm test`; CI runs both.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    // a kill campaign tries more runs (bounded) until enough kills land mid-work: on a busy machine that takes minutes
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the AWS SDK warns on every client under Node 20; the toolkit's clients silence it the same way
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    fileParallelism: false,
  },
})
