// quay: not built yet (issue 3); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('quay', async () => {
  throw new UserError('not implemented yet (planned in issue 3)')
})
