import { describe, expect, it } from 'vitest'
import { strToU8, zipSync } from 'fflate'
import { distOf, launcherProblem, parseSha256 } from '../../../scripts/lib/plugins/framework.js'
import { checkJar } from '../../../scripts/lib/plugins/jar.js'
import { jarStandIn, launcherStandIn } from '../../helpers/nextflow-release.js'

const readerOf = (b: Buffer) => (offset: number, length: number) => b.subarray(offset, offset + length)
const check = (b: Buffer) => checkJar(b.length, readerOf(b))

describe('distOf: the launcher layout', () => {
  it.each([
    [{ NXF_VER: '24.10.6', NXF_HOME: '/h/.nextflow' }, 'https://www.nextflow.io/releases/v24.10.6'],
    [{ NXF_VER: '25.10.0', NXF_HOME: '/h/.nextflow', NXF_BASE: 'http://127.0.0.1:9/mirror/' }, 'http://127.0.0.1:9/mirror/v25.10.0'],
  ])('%j → %s/…', (env, base) => {
    const d = distOf(env)
    expect(d.jar).toBe(`/h/.nextflow/framework/${env.NXF_VER}/nextflow-${env.NXF_VER}-one.jar`)
    expect(d.launcher).toBe(`/h/.nextflow/framework/${env.NXF_VER}/nextflow`)
    expect([d.jarUrl, d.launcherUrl, d.sumUrl]).toEqual([`${base}/nextflow-${env.NXF_VER}-one.jar`, `${base}/nextflow`, `${base}/nextflow.sha256`])
  })
  it('needs NXF_VER', () => expect(() => distOf({ NXF_HOME: '/h' })).toThrow(/NXF_VER/))
})

describe('launcherProblem / parseSha256', () => {
  it.each([
    [launcherStandIn('24.10.6'), '24.10.6', undefined],
    [launcherStandIn('24.10.6'), '25.10.0', 'the launcher of 24.10.6, not 25.10.0'],
    ['<html>not found</html>', '24.10.6', 'not a script (no #! line)'],
    ['#!/bin/sh\necho hi\n', '24.10.6', 'not the Nextflow launcher (no NXF_VER in it)'],
    ['#!/bin/bash\nNXF_VER=${NXF_VER:-24.10.6}\n', '24.10.6', undefined],
  ])('%#: %s', (text, ver, want) => expect(launcherProblem(text, ver)).toBe(want))
  it.each([
    [`${'a'.repeat(64)}  nextflow\n`, 'a'.repeat(64)], [`${'B'.repeat(64)}\n`, 'b'.repeat(64)], ['not a sum', undefined], ['', undefined],
  ])('%j → %s', (text, want) => expect(parseSha256(text)).toBe(want))
})

describe('checkJar: a whole zip with its manifest', () => {
  const jar = jarStandIn('24.10.6', 5)
  it('accepts the whole jar and reads its manifest', () => {
    const r = check(jar)
    expect(r.entries).toBe(5)
    expect(r.manifest).toMatch(/^Main-Class: nextflow.cli.Launcher\r?$/m)
  })
  it('accepts a stored (not deflated) manifest', () => {
    const stored = Buffer.from(zipSync({ 'META-INF/MANIFEST.MF': [strToU8('Manifest-Version: 1.0\n'), { level: 0 }] }))
    expect(check(stored).entries).toBe(1)
  })
  it.each<[string, Buffer, RegExp]>([
    ['cut short', jar.subarray(0, jar.length - 30), /no end-of-central-directory record/],
    ['cut in the middle (end record kept)', Buffer.concat([jar.subarray(0, 100), jar.subarray(jar.length - 22)]), /central directory .* runs past|no local header|lists \d+ entries/],
    ['an HTML error page', Buffer.from('<html>503 Service Unavailable</html>'), /no end-of-central-directory record/],
    ['a zip without a manifest', Buffer.from(zipSync({ 'a.txt': strToU8('x') })), /no META-INF\/MANIFEST.MF: not a jar/],
    ['empty', Buffer.alloc(0), /no end-of-central-directory record/],
  ])('refuses %s', (_, bytes, msg) => expect(() => check(bytes)).toThrow(msg))
})
