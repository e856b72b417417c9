// images-cli: what `just images` and `just quay` share: the staged code, the report's text forms, the quay verdict.
import { requireStaged } from '../stage/staged-tree.js'
import type { Context } from '../core/context.js'
import { isQuay } from './image-ref.js'
import type { ImageEntry, ImageReport, UnresolvedDecl } from './collect.js'

/** The staged code of the context's pipeline, or a one-line error saying how to stage it. */
export const stagedCode = (ctx: Context): string => requireStaged(ctx.dir!, ctx.pipeline!)

/** images.txt / stdout: one fully qualified image a line, sorted, unique. */
export const imagesText = (r: ImageReport) => r.images.map((e) => `${e.image}\n`).join('')

/** The `--json` document. */
export const imagesJson = (r: ImageReport) => JSON.stringify({ images: r.images, unresolved: r.unresolved }, null, 2) + '\n'

export const describeUnresolved = (u: UnresolvedDecl) =>
  `${u.at}: ${u.text}${u.registry ? ` [registry ${u.registry}]` : ''}`

export const declared = (e: ImageEntry) => e.declared_in.length > 3
  ? `${e.declared_in.slice(0, 3).join(', ')} and ${e.declared_in.length - 3} more`
  : e.declared_in.join(', ')

export interface QuayVerdict { ok: boolean; offenders: ImageEntry[]; unresolved: UnresolvedDecl[]; total: number }

/** Quay-only means: every image on quay.io, and (unless allowed) nothing left unresolved. */
export function quayVerdict(r: ImageReport, allowUnresolved: boolean): QuayVerdict {
  const offenders = r.images.filter((e) => !isQuay(e.registry))
  // an unresolved declaration whose registry is known and not quay.io is an offender whatever its tag
  const unresolved = r.unresolved
  const sureOffence = unresolved.some((u) => u.registry && !isQuay(u.registry))
  // no image at all is no evidence: a pipeline without containers cannot run offline under Docker
  const none = r.images.length === 0 && unresolved.length === 0
  return { ok: !none && offenders.length === 0 && !sureOffence && (allowUnresolved || unresolved.length === 0), offenders, unresolved, total: r.images.length }
}
