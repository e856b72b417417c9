import { describe, expect, it } from 'vitest'
import { batchConfigText, batchEnabled } from '../../../scripts/lib/run/batch.js'

const base = { NXF_EXECUTOR: 'awsbatch', BATCH_QUEUE: 'nf-queue', AWS_REGION: 'eu-west-2', NXF_WORK: 's3://bucket/work', BATCH_CLI_PATH: '/home/ec2-user/miniconda/bin/aws' }
const HEAD = '// written by nf-offline before each offline run (NXF_EXECUTOR=awsbatch): change env/System-ENV, not this file'

describe('batchConfigText', () => {
  it.each<[string, Record<string, string | undefined>, string[]]>([
    ['every setting, with the registry proxy', { ...base, REGISTRY_PROXY: 'nexus.example.org' }, [HEAD,
      "process.executor = 'awsbatch'", "process.queue = 'nf-queue'", "aws.region = 'eu-west-2'",
      "aws.batch.cliPath = '/home/ec2-user/miniconda/bin/aws'", "workDir = 's3://bucket/work'", "docker.registry = 'nexus.example.org'", '']],
    ['region from AWS_DEFAULT_REGION, no proxy', { ...base, AWS_REGION: undefined, AWS_DEFAULT_REGION: 'us-east-1' }, [HEAD,
      "process.executor = 'awsbatch'", "process.queue = 'nf-queue'", "aws.region = 'us-east-1'",
      "aws.batch.cliPath = '/home/ec2-user/miniconda/bin/aws'", "workDir = 's3://bucket/work'", '']],
    ["quotes and backslashes are escaped for Groovy", { ...base, BATCH_QUEUE: "it's\\q" }, [HEAD,
      "process.executor = 'awsbatch'", "process.queue = 'it\\'s\\\\q'", "aws.region = 'eu-west-2'",
      "aws.batch.cliPath = '/home/ec2-user/miniconda/bin/aws'", "workDir = 's3://bucket/work'", '']],
  ])('%s', (_, env, lines) => expect(batchConfigText(env)).toBe(lines.join('\n')))

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['a local work dir', { ...base, NXF_WORK: '/home/u/offline/work' }, /^NXF_WORK=\/home\/u\/offline\/work is not an s3:\/\/ path; /],
    ['no queue and no region', { ...base, BATCH_QUEUE: undefined, AWS_REGION: undefined }, /^BATCH_QUEUE is not set; .*; AWS_REGION is not set; /],
    ['no AWS CLI path', { ...base, BATCH_CLI_PATH: undefined }, /^BATCH_CLI_PATH=\(unset\) is not the absolute path of the AWS CLI/],
  ])('refuses %s', (_, env, msg) => expect(() => batchConfigText(env)).toThrow(msg))

  it.each([
    [{ NXF_EXECUTOR: 'awsbatch', BATCH_QUEUE: 'q' }, true], [{ NXF_EXECUTOR: 'awsbatch' }, false], [{ BATCH_QUEUE: 'q' }, false], [{}, false],
  ])('batchEnabled(%j) = %s', (env, want) => expect(batchEnabled(env)).toBe(want))
})
