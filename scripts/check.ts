// check: not built yet (issue 4); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('check', async () => {
  throw new UserError('not implemented yet (planned in issue 4)')
})
