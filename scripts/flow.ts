// flow: the per-pipeline flows, one recipe after the other: online = test, up (Dev); offline = down, run (Prod).
import { main } from './lib/core/cli.js'
import { sh } from './lib/core/programs.js'

const FLOWS: Record<string, { steps: string[]; about: string }> = {
  online: { steps: ['test', 'up'], about: 'Dev: quick online run of the test profile (just test), then push this folder to S3 (just up)' },
  offline: { steps: ['down', 'run'], about: 'Prod: pull this folder from S3 (just down), then run the test profile offline (just run)' },
}
const flow = process.argv[2] ?? ''

/** `just <step>` in this folder with the terminal attached (zx, the word as one argument); its exit code. */
async function step(name: string): Promise<number> {
  const r = await sh(process.env, { inherit: true })`${process.env.JUST_BIN || 'just'} ${name}`
  return r.exitCode ?? 1
}

await main(flow, {
  usage: `just ${flow}`,
  about: FLOWS[flow]?.about ?? 'a flow',
  notes: ['each step takes its settings from the environment, env/System-ENV and Pipeline-ENV; run the steps one by one to give them flags'],
  argv: process.argv.slice(3),
}, async () => {
  for (const s of FLOWS[flow]?.steps ?? []) {
    const code = await step(s)
    if (code !== 0) return code   // a failed step stops the flow, with its exit code
  }
})
