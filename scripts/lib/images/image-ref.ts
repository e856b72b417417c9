// image-ref: qualify a container reference as Nextflow + Docker pull it, and name the registry serving it.

/** Docker's own default when a pipeline sets no docker.registry. */
export const DOCKER_HUB = 'docker.io'
export const QUAY = 'quay.io'

export interface QualifiedImage { image: string; registry: string }

/** Drop what never reaches Docker: surrounding whitespace (seen inside quotes) and a `docker://` scheme. */
export function cleanRef(ref: string): string {
  return ref.trim().replace(/^docker:\/\//, '')
}

/** Is the part before the first `/` a registry host? (`.` or `:` in it, or `localhost`; `ubuntu:20.04` has no `/`) */
export function hasHost(ref: string): boolean {
  const slash = ref.indexOf('/')
  if (slash < 0) return false
  const first = ref.slice(0, slash)
  return first.includes('.') || first.includes(':') || first === 'localhost'
}

/**
 * The fully qualified image Docker pulls for `ref` under `docker.registry = registry` (Nextflow's
 * normalizeDockerImageName, then Docker's own defaults: docker.io and its `library/` namespace).
 */
export function qualifyImage(ref: string, registry: string | undefined): QualifiedImage {
  const clean = cleanRef(ref)
  if (hasHost(clean)) return { image: clean, registry: clean.slice(0, clean.indexOf('/')) }
  const reg = (registry || DOCKER_HUB).trim().replace(/\/+$/, '')
  const host = reg.split('/')[0]
  // Docker Hub keeps official images under library/: `ubuntu:20.04` is docker.io/library/ubuntu:20.04
  const path = host === DOCKER_HUB && !clean.includes('/') && reg === DOCKER_HUB ? `library/${clean}` : clean
  return { image: `${reg}/${path}`, registry: host }
}

/** The registry a reference would be pulled from, or undefined if the text is too partial to tell. */
export function registryOfPrefix(prefix: string, exact: boolean, registry: string | undefined): string | undefined {
  const clean = prefix.replace(/^\s+/, '').replace(/^docker:\/\//, '')
  if (exact) return qualifyImage(clean, registry).registry
  // a partial text: the first component must be complete (followed by `/`) to say anything
  if (!clean.includes('/')) return undefined
  return qualifyImage(clean, registry).registry
}

export const isQuay = (registry: string) => registry === QUAY
