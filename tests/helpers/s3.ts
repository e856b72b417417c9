// s3: a real S3-compatible server (s3rver) on 127.0.0.1 with a random port, and the env to reach it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

export interface TestS3 {
  endpoint: string
  /** env for the toolkit's scripts (credentials s3rver accepts, endpoint, region) */
  env: Record<string, string>
  client: S3Client
  dir: string
  stop(): Promise<void>
}

/** Start s3rver with the given buckets; its data lives in a temp dir removed on stop. */
export async function startS3(buckets: string[] = ['bucket']): Promise<TestS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'   // as the toolkit's bundles do (build.mjs define)
  const dir = mkdtempSync(join(tmpdir(), 'nfo-s3-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) })
  const info = (await server.run()) as AddressInfo
  const endpoint = `http://127.0.0.1:${info.port}`
  const env = { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' }
  const client = new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  })
  return {
    endpoint, env, client, dir,
    stop: async () => { client.destroy(); await server.close(); rmSync(dir, { recursive: true, force: true }) },
  }
}
