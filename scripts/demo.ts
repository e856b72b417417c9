// demo: the whole Dev → Prod cycle on the embedded minidemo pipeline, offline, against local stand-ins.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from './lib/core/cli.js'
import { DEMO, demoPaths, startStandIns } from './lib/demo/standins.js'
import { demoEnv, makeWorkspace, onlyToolsMissing, printTable, runStep, stopRunningStep, type StepResult } from './lib/demo/steps.js'
import { toolkitRoot } from './lib/core/paths.js'
import { missingTools } from './lib/run/nextflow.js'
import { accessSync, constants } from 'node:fs'

const canRun = (p: string) => { try { accessSync(p, constants.X_OK); return true } catch { return false } }

await main('demo', {
  usage: 'just demo [--keep]',
  about: 'the whole Dev → S3 → Prod cycle on the embedded demo pipeline, offline, against local stand-ins',
  flags: { keep: 'keep the temporary workspace to look at' },
}, async (args) => {
  const t0 = Date.now()
  const root = toolkitRoot()
  const ws = mkdtempSync(join(tmpdir(), 'nf-offline-demo-'))
  const keep = args.flags.keep === true
  // whatever happens (error, Ctrl-C), the temp workspace goes; the stand-ins die with this process
  process.on('exit', () => { stopRunningStep(); if (!keep) rmSync(ws, { recursive: true, force: true }) })

  console.log(`nf-offline demo: nf-core/${DEMO.pipeline} ${DEMO.revision}, Dev → S3 → Prod, in ${ws}`)
  const standIns = await startStandIns(demoPaths(root).pipelineSrc, join(ws, 's3'))
  const results: StepResult[] = []
  try {
    const w = makeWorkspace(root, ws)
    const env = demoEnv(ws, standIns)
    const pipe = `pipelines/${DEMO.pipeline}`
    const steps: [host: 'dev' | 'prod', cwd: string, words: string[]][] = [
      ['dev', '.', ['stage', DEMO.pipeline, DEMO.revision]],
      ['dev', '.', ['images', DEMO.pipeline]],
      ['dev', '.', ['quay', DEMO.pipeline]],
      ['dev', '.', ['mirror', DEMO.pipeline]],
      ['dev', pipe, ['check', '--data']],
      ['dev', '.', ['plugins']],
      ['dev', pipe, ['up']],
      ['dev', '.', ['ship']],
      ['prod', '.', ['fetch-toolkit']],
      ['prod', pipe, ['down']],
      ['prod', '.', ['plugins', '--down']],
      ['prod', pipe, ['check']],
      ['prod', pipe, ['stub']],
    ]
    // a real stub run needs nextflow, java and docker; without them the last step prints the command instead
    const missing = missingTools(['nextflow', 'java', 'docker'], process.env.PATH, canRun)
    if (missing.length) env.prod.NF_OFFLINE_DRY_RUN = '1'
    for (const [host, cwd, words] of steps) {
      const r = await runStep(w, host, cwd, words, env[host])
      if (!r.ok && host === 'prod' && words[0] === 'check' && onlyToolsMissing(r.output ?? '')) {
        r.ok = true   // everything the toolkit moves is in place; this machine just lacks the programs
        r.note = 'ready but for the programs this machine lacks'
      }
      if (r.ok && words[0] === 'stub' && missing.length) {
        r.note = `${missing.join(', ')} not on PATH: stopped at the command above`
        console.log(`    (${r.note})`)
      }
      results.push(r)
      if (!r.ok) break
    }
  } finally {
    await standIns.close()
  }
  printTable(results, (Date.now() - t0) / 1000)
  if (keep) console.log(`workspace kept: ${ws}`)
  return results.every((r) => r.ok) ? 0 : 1
})
