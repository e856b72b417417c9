// images: not built yet (issue 3); says so plainly and exits non-zero.
import { main, UserError } from './lib/cli.js'

await main('images', async () => {
  throw new UserError('not implemented yet (planned in issue 3)')
})
