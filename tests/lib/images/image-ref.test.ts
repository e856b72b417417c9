import { describe, expect, it } from 'vitest'
import { cleanRef, hasHost, qualifyImage, registryOfPrefix } from '../../../scripts/lib/images/image-ref.js'

describe('qualifyImage', () => {
  it.each([
    // [reference as written, docker.registry, image Docker pulls, registry serving it]
    ['biocontainers/fastqc:0.12.1--hdfd78af_0', 'quay.io', 'quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0', 'quay.io'],
    ['quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0', 'quay.io', 'quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0', 'quay.io'],
    ['nf-core/ubuntu:20.04', 'quay.io', 'quay.io/nf-core/ubuntu:20.04', 'quay.io'],
    ['ubuntu:20.04', 'quay.io', 'quay.io/ubuntu:20.04', 'quay.io'],                      // no `/`: an image, not host:port
    ['ubuntu:20.04', undefined, 'docker.io/library/ubuntu:20.04', 'docker.io'],          // Docker's default and library/
    ['biocontainers/biocontainers:v1.2.0_cv1', undefined, 'docker.io/biocontainers/biocontainers:v1.2.0_cv1', 'docker.io'],
    ['community.wave.seqera.io/library/coreutils:9.5--ae99c88a9b28c264', 'quay.io', 'community.wave.seqera.io/library/coreutils:9.5--ae99c88a9b28c264', 'community.wave.seqera.io'],
    ['docker.io/google/deepvariant:1.10.0', 'quay.io', 'docker.io/google/deepvariant:1.10.0', 'docker.io'],
    ['nvcr.io/nvidia/clara/clara-parabricks:4.7.1-1', 'quay.io', 'nvcr.io/nvidia/clara/clara-parabricks:4.7.1-1', 'nvcr.io'],
    ['localhost/x:1', 'quay.io', 'localhost/x:1', 'localhost'],
    ['registry:5000/x:1', 'quay.io', 'registry:5000/x:1', 'registry:5000'],
    ['docker://biocontainers/x:1', 'quay.io', 'quay.io/biocontainers/x:1', 'quay.io'],
    [' biocontainers/control-freec:11.6b--hdbdd923_0 ', 'quay.io', 'quay.io/biocontainers/control-freec:11.6b--hdbdd923_0', 'quay.io'],
    ['google/deepvariant:1.3.0', 'quay.io/', 'quay.io/google/deepvariant:1.3.0', 'quay.io'],
    ['x/y:1', 'mirror.example.org/proxy', 'mirror.example.org/proxy/x/y:1', 'mirror.example.org'],
  ])('%s with registry %s is %s from %s', (ref, reg, image, registry) => {
    expect(qualifyImage(ref, reg)).toEqual({ image, registry })
  })
})

describe('hasHost / cleanRef / registryOfPrefix', () => {
  it.each([
    ['quay.io/x', true], ['localhost:5000/x', true], ['localhost/x', true], ['ubuntu:20.04', false], ['nf-core/x', false],
  ])('hasHost(%s) is %s', (ref, host) => expect(hasHost(ref)).toBe(host))

  it('drops docker:// and surrounding blanks', () => expect(cleanRef('  docker://quay.io/x:1 \t')).toBe('quay.io/x:1'))

  it.each([
    ['docker.io/nfcore/vep:', false, 'quay.io', 'docker.io'],   // host known though the tag is not
    ['nfcore/snpeff:', false, 'quay.io', 'quay.io'],            // relative: the registry is prefixed
    ['nfcore', false, 'quay.io', undefined],                    // first component incomplete
    ['', false, 'quay.io', undefined],
    ['biocontainers/x:1', true, undefined, 'docker.io'],
  ])('registryOfPrefix(%s, exact %s, %s) is %s', (p, exact, reg, out) => expect(registryOfPrefix(p, exact, reg)).toBe(out))
})
