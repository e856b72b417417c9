// batch (pure): Prod at scale through Nextflow's awsbatch executor: the settings from env, the batch.config text, and its check items.
import type { Env } from '../core/env.js'

/** NXF_EXECUTOR is Nextflow's own default-executor variable: awsbatch there means this host hands tasks to AWS Batch. */
export const batchRequested = (env: Env) => env.NXF_EXECUTOR === 'awsbatch'
/** Opt-in: awsbatch and a queue; otherwise runs stay on this host with Docker. */
export const batchEnabled = (env: Env) => batchRequested(env) && !!env.BATCH_QUEUE

export interface BatchSettings { queue: string; region: string; cliPath: string; workDir: string; registry?: string }

/** One entry per setting Batch needs offline: the value, or what is wrong and how to set it. */
export function batchSettings(env: Env): { label: string; value?: string; problem?: string }[] {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION
  const work = env.NXF_WORK ?? ''
  const cli = env.BATCH_CLI_PATH ?? ''
  const add = (v: string) => `add \`export ${v}\` to env/System-ENV`
  return [
    env.BATCH_QUEUE ? { label: 'batch queue', value: env.BATCH_QUEUE } : { label: 'batch queue', problem: `BATCH_QUEUE is not set; ${add('BATCH_QUEUE=<job queue name>')}` },
    region ? { label: 'batch region', value: region } : { label: 'batch region', problem: `AWS_REGION is not set; ${add('AWS_REGION=<region of the queue>')}` },
    work.startsWith('s3://') ? { label: 'batch workDir', value: work }
      : { label: 'batch workDir', problem: `NXF_WORK=${work || '(unset)'} is not an s3:// path; Batch tasks share the work dir through S3: ${add('NXF_WORK=s3://<bucket>/work')}` },
    cli.startsWith('/') ? { label: 'batch aws cli', value: cli }
      : { label: 'batch aws cli', problem: `BATCH_CLI_PATH=${cli || '(unset)'} is not the absolute path of the AWS CLI on the compute environment's AMI; ${add('BATCH_CLI_PATH=/home/ec2-user/miniconda/bin/aws')}` },
  ]
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/**
 * pipelines/<p>/batch.config, given with `-c` after the pipeline's own config so these win. Throws
 * a plain Error listing what is missing (the caller words it for its command).
 */
export function batchConfigText(env: Env): string {
  const settings = batchSettings(env)
  const bad = settings.filter((s) => s.problem)
  if (bad.length) throw new Error(bad.map((s) => s.problem).join('; '))
  const v = Object.fromEntries(settings.map((s) => [s.label, s.value!]))
  return [
    '// written by nf-offline before each offline run (NXF_EXECUTOR=awsbatch): change env/System-ENV, not this file',
    "process.executor = 'awsbatch'",
    `process.queue = ${q(v['batch queue'])}`,
    `aws.region = ${q(v['batch region'])}`,
    `aws.batch.cliPath = ${q(v['batch aws cli'])}`,
    `workDir = ${q(v['batch workDir'])}`,
    ...(env.REGISTRY_PROXY ? [`docker.registry = ${q(env.REGISTRY_PROXY)}`] : []),
    '',
  ].join('\n')
}
