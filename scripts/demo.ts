// demo: the whole Dev → Prod cycle on the embedded minidemo pipeline, offline, against local stand-ins.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from './lib/core/cli.js'
import { toolkitRoot } from './lib/core/paths.js'
import { closingLine, formatTable, NEVER_PROVEN } from './lib/demo/report.js'
import { DEMO, demoPrerequisites, startStandIns } from './lib/demo/standins.js'
import { demoEnv, makeWorkspace, missingHere, runDemo, stopRunningStep } from './lib/demo/steps.js'

await main('demo', {
  usage: 'just demo [--keep]',
  about: 'the whole Dev → S3 → Prod cycle on the embedded demo pipeline, offline, against local stand-ins; each step proven, skipped (why) or failed; exit 1 if one failed',
  flags: { keep: 'keep the temporary workspace to look at' },
}, async (args) => {
  const t0 = Date.now()
  const root = toolkitRoot()
  // 1. the embedded pipeline and s3rver, before anything starts (the shipped toolkit has neither)
  const { pipelineSrc, S3rver } = await demoPrerequisites(root)

  // 2. a temp workspace that goes whatever happens (error, Ctrl-C), with the step under way
  const ws = mkdtempSync(join(tmpdir(), 'nf-offline-demo-'))
  const keep = args.flags.keep === true
  process.on('exit', () => { stopRunningStep(); if (!keep) rmSync(ws, { recursive: true, force: true, maxRetries: 3 }) })
  console.log(`nf-offline demo: nf-core/${DEMO.pipeline} ${DEMO.revision}, Dev → S3 → Prod, in ${ws}`)

  // 3. the stand-ins (S3, GitHub, test data, plugin index), closed on every path
  const missing = await missingHere()
  const standIns = await startStandIns(pipelineSrc, join(ws, 's3'), S3rver)
  let rows
  try {
    rows = await runDemo(await makeWorkspace(root, ws), demoEnv(ws, standIns), missing)
  } finally {
    await standIns.close()
  }

  // 4. each step proven, skipped (why) or failed; skipped steps do not fail the demo, the closing line names them
  console.log(`\n${formatTable(rows)}\n${closingLine(rows, (Date.now() - t0) / 1000)}\n${NEVER_PROVEN}`)
  if (keep) console.log(`workspace kept: ${ws}`)
  return rows.some((r) => r.outcome === 'failed') ? 1 : 0
})
