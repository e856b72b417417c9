// mirror-settings: the mirror's env settings read in one place (MIRROR_SKIP, MIRROR_INCLUDE, MIRROR_MAX_DEFAULT_GB).
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'

/** A comma-separated list of param names (`fasta, gtf` → ['fasta', 'gtf']); empty items dropped. */
export const paramList = (text: string | undefined): string[] => (text ?? '').split(',').map((x) => x.trim()).filter(Boolean)

export interface MirrorSettings {
  /** MIRROR_SKIP: params left out of the mirror (each one a plan line) */
  skip: string[]
  /** MIRROR_INCLUDE: pipeline defaults copied whatever their size */
  include: string[]
  /** MIRROR_MAX_DEFAULT_GB (1): a larger pipeline default is not copied unless included */
  maxDefaultBytes: number
}

export function mirrorSettings(env: Env): MirrorSettings {
  const gb = env.MIRROR_MAX_DEFAULT_GB || '1'
  if (!/^\d+(\.\d+)?$/.test(gb)) throw new UserError(`MIRROR_MAX_DEFAULT_GB=${gb} is not a number of GB`)
  return { skip: paramList(env.MIRROR_SKIP), include: paramList(env.MIRROR_INCLUDE), maxDefaultBytes: Number(gb) * 1e9 }
}
