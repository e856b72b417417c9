// default-sizes: the size of each pipeline default a plan names (HEAD / HeadObject), for `--plan` and the size cap.
import { settlePool } from '../core/pool.js'
import type { Env } from '../core/env.js'
import { sourceSize, type SourceS3 } from './sources.js'
import type { ProfilePlan } from './test-profile.js'

/** url → bytes, or the reason it could not be sized (a default that fails later is a warning, not an error). */
export interface DefaultSizes { sizes: Map<string, number>; errors: Map<string, string> }

export async function sizeDefaults(plan: ProfilePlan, env: Env, sources: SourceS3): Promise<DefaultSizes> {
  const urls = [...new Set(plan.files.filter((f) => !f.fromTest).flatMap((f) => f.urls))]
  const res = await settlePool(urls, 16, (u) => sourceSize(u, env, sources))
  const sizes = new Map<string, number>(), errors = new Map<string, string>()
  res.forEach((r, i) => {
    if (r.status === 'fulfilled' && r.value !== undefined) sizes.set(urls[i], r.value)
    else errors.set(urls[i], r.status === 'rejected' ? (r.reason as Error).message : 'the server gives no size')
  })
  return { sizes, errors }
}
