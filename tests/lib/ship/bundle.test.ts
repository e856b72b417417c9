import { describe, expect, it } from 'vitest'
import { bundleLayout, isNativeBinary, shipsFromPipelineFolder } from '../../../scripts/lib/ship/bundle.js'

describe('shipsFromPipelineFolder', () => {
  it.each([
    ['Pipeline-ENV', true, true], ['test.config', true, true], ['inputs3.csv', true, true], ['images.txt', true, true],
    ['justfile', true, true], ['rnaseq', false, false], ['work', false, false], ['results', false, false],
    ['.staged', true, false], ['.nextflow.log', true, false], ['nextflow.log', true, false], ['.x.tmp-12-ab', true, false],
  ])('%s (file: %s) ships: %s', (name, isFile, ships) => expect(shipsFromPipelineFolder(name, isFile)).toBe(ships))
})

describe('bundleLayout', () => {
  it('lays out scripts, a module package.json, justfiles, env, extras, pipeline files and bin/just', () => {
    const files = bundleLayout({
      scripts: ['run.js', 'down.js', 'notes.txt'], env: ['System-ENV'], extras: ['plugins.list'],
      pipelines: { rnaseq: ['test.config', 'Pipeline-ENV', 'justfile'], demo: [] },
    }, '/opt/just')
    expect(files.map((f) => [f.rel, f.src ?? 'text'])).toEqual([
      ['dist/scripts/down.js', 'dist/scripts/down.js'],
      ['dist/scripts/run.js', 'dist/scripts/run.js'],
      ['dist/package.json', 'text'],
      ['justfile', 'justfile'],
      ['pipelines/pipeline.just', 'pipelines/pipeline.just'],
      ['env/System-ENV', 'env/System-ENV'],
      ['plugins.list', 'plugins.list'],
      ['bin/just', '/opt/just'],
      ['pipelines/rnaseq/Pipeline-ENV', 'pipelines/rnaseq/Pipeline-ENV'],
      ['pipelines/rnaseq/justfile', 'pipelines/rnaseq/justfile'],
      ['pipelines/rnaseq/test.config', 'pipelines/rnaseq/test.config'],
    ])
  })
})

describe('isNativeBinary', () => {
  it.each([
    ['7f454c4602010100', true],   // ELF
    ['cffaedfe07000001', true],   // Mach-O 64
    ['cafebabe00000002', true],   // universal
    [Buffer.from('#!/usr/bin/env node').toString('hex'), false],
    ['', false],
  ])('%s → %s', (hex, native) => expect(isNativeBinary(Buffer.from(hex, 'hex'))).toBe(native))
})
