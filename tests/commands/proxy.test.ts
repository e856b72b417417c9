import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { tmpProject } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'

// A forward proxy on 127.0.0.1 that tunnels CONNECT (as corporate proxies do) and relays absolute-form GETs.
let proxy: Server
let proxyUrl: string
const seen: string[] = []
let gh: TestServer

beforeAll(async () => {
  gh = await serve(githubRoutes('basic', [{ rev: '1.0.0', archive: await packRelease('basic', 'basic', '1.0.0') }]))
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const target = new URL(req.url!)
    const up = connect(Number(target.port), target.hostname, () => {
      up.write(`${req.method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n\r\n`)
      req.pipe(up)
      up.pipe(res.socket!)
    })
  })
  proxy.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`)
    const [host, port] = req.url!.split(':')
    const up = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      up.write(head)
      up.pipe(socket)
      socket.pipe(up)
    })
    up.on('error', () => socket.destroy())
    socket.on('error', () => up.destroy())
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  await gh.close()
  proxy.closeAllConnections()
  await new Promise((r) => proxy.close(r))
})

describe('proxies from the environment', () => {
  it('stage goes through HTTP_PROXY, and not through it for hosts in NO_PROXY', async () => {
    const p = tmpProject()
    try {
      const env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url, HTTP_PROXY: proxyUrl }
      seen.length = 0
      const r = await p.just(['stage', 'basic', '1.0.0'], { env })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const host = new URL(gh.url).host
      expect(seen.some((s) => s.includes(host))).toBe(true)

      seen.length = 0
      const p2 = tmpProject()
      try {
        const r2 = await p2.just(['stage', 'basic', '1.0.0'], { env: { ...env, NO_PROXY: '127.0.0.1' } })
        expect(r2.code).toBe(0)
        expect(seen).toEqual([])
      } finally { p2.cleanup() }
    } finally { p.cleanup() }
  })
})
