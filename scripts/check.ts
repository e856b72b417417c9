// check: the S3 test data of this pipeline is all there (each object with its size); exit 1 naming what is missing.
import { main, UserError } from './lib/cli.js'
import { loadContext } from './lib/context.js'
import { checkData, formatCheck, profileRefs } from './lib/data-check.js'
import { makeS3Client } from './lib/s3.js'

await main('check', async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true })

  // data: what the rewritten test profile and inputs3.csv name, one listing per bucket prefix
  const refs = profileRefs(ctx.staged!, ctx.pipeline!)
  const client = makeS3Client(ctx.env)
  try {
    const data = await checkData(client, refs)
    for (const line of formatCheck(data)) console.log(line)
    if (data.missing.length) throw new UserError(`${data.missing.length} of ${data.found.length + data.missing.length} S3 objects missing; run: just mirror ${ctx.pipeline}`)
  } finally {
    client.destroy()
  }
})
