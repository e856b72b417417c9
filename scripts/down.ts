// down: not built yet (issue 5); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('down', async () => {
  throw new UserError('not implemented yet (planned in issue 5)')
})
