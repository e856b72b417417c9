// smoke: not built yet (issue 5); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('smoke', async () => {
  throw new UserError('not implemented yet (planned in issue 5)')
})
