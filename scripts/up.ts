// up: not built yet (issue 5); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('up', async () => {
  throw new UserError('not implemented yet (planned in issue 5)')
})
