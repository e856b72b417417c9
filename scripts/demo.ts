// demo: not built yet (issue 6); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('demo', async () => {
  throw new UserError('not implemented yet (planned in issue 6)')
})
