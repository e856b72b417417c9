import { describe, expect, it } from 'vitest'
import { compareVersions, satisfies } from '../../../scripts/lib/plugins/version.js'

describe('compareVersions (Nextflow CustomVersionManager)', () => {
  it.each([
    ['1.0.0', '1.0.0', 0],
    ['1.1.0', '1.0.0', 1],
    ['1.0.0', '1.0.1', -1],
    ['1.10.0', '1.9.0', 1],
    ['20.02.1', '20.01.1', 1],
    ['20.02.1-edge', '20.02.2-edge', -1],
    ['25.10.0', '25.04.8', 1],
    ['25.10.0', '25.07.0-edge', 1],
    ['24.10.6', '24.10.10', -1],
    // VersionNumber pads with '0' and compares '0' < 'edge' as strings: an -edge sorts above its release
    ['25.10.0', '25.10.0-edge', -1],
    // plugin versions are semver (pf4j): -patchN is a pre-release, below the plain release
    ['2.15.0-patch1', '2.15.0', -1],
    ['2.15.0-patch2', '2.15.0-patch1', 1],
    ['1.9.3-patch2', '1.9.3', -1],
    ['2.9.3', '2.15.0-patch2', -1],
  ])('%s vs %s → %i', (a, b, want) => expect(Math.sign(compareVersions(a, b))).toBe(want))
})

describe('satisfies (a release requires vs NXF_VER)', () => {
  it.each([
    ['24.10.6', '>=24.10.6', true],
    ['24.10.5', '>=24.10.6', false],
    ['24.10.0', '>=25.04.0', false],
    ['25.10.0', '>=25.03.0-edge', true],
    ['25.04.0', '>=25.03.0-edge', true],
    ['25.03.0-edge', '>=25.03.0-edge', true],
    ['24.10.6', '>=25.06.0-edge', false],
    ['20.01.0-SNAPSHOT', '>=20.01.0', true],
    ['20.01.0-SNAPSHOT', '>=20.01.0-edge', true],
    ['25.10.0', 'nextflow@>=25.04.0', true],
    ['24.10.6', '>=24.10.0,<25.0.0', true],
    ['25.04.0', '>=24.10.0,<25.0.0', false],
    ['24.10.6', '24.10.+', true],
    ['24.11.0', '24.10.+', false],
    ['24.10.6', '', true],
    ['24.10.6', '*', true],
    ['24.10.6', '>=>= what', false],
  ])('%s fits %j: %s', (nxf, req, want) => expect(satisfies(nxf, req)).toBe(want))
})
