// mirror-overrides: what test.config re-assigns to the mirror (pure: the warnings are returned, not printed).
import { normalizePath, prefixUri } from './data-keys.js'
import type { TestConfigOverrides, Literal } from './test-config.js'
import type { ProfilePlan } from './test-profile.js'

/** Each param whose every file was mirrored, the input, the prefixes; and what Prod would still read from the source. */
export function overrides(plan: ProfilePlan, mapped: Map<string, string>, s3Root: string, name: string, input: Literal | undefined, registry?: string,
  configs?: { files: string[]; texts: string[] }): { overrides: TestConfigOverrides; warnings: string[] } {
  const files: Record<string, Literal> = {}
  for (const f of plan.files) {
    if (!f.urls.every((u) => mapped.has(u))) continue
    files[f.param] = f.list ? f.urls.map((u) => mapped.get(u)!) : mapped.get(f.urls[0])!
  }
  const prefixes: Record<string, string> = {}
  for (const p of plan.prefixes) if (p.param !== 'igenomes_base' || plan.genome) prefixes[p.param] = prefixUri(s3Root, name, p.url)
  const base = plan.prefixes.find((p) => p.param === 'igenomes_base')?.url
  const warnings: string[] = []
  // a URL written in a shipped nf-core/configs file is rewritten there
  const inConfigs = (url: string) => !!configs?.texts.some((t) => t.includes(url))
  for (const g of [...plan.genome?.files ?? [], ...plan.genome?.dirs ?? []]) {
    if (inConfigs(g.url)) continue
    if (!base || !normalizePath(g.url).startsWith(normalizePath(base))) warnings.push(`genome file ${g.attr} = ${g.url} is not under igenomes_base; Prod would read it from the source`)
  }
  return { overrides: { input, files, prefixes, registry, configs: configs?.files }, warnings }
}
