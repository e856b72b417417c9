// fault-proxy: a reverse proxy on 127.0.0.1 that injects seeded faults (503, 500, resets, slow answers) before
// a real upstream (s3rver or a test-data server), to prove retries work and nothing is lost.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Fault = 'none' | '500' | '503' | 'reset' | 'slow'
export interface FaultProxy { url: string; injected: Record<Fault, number>; requests: number; close(): Promise<void> }

/** xorshift32: the same seed gives the same fault sequence. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000 }
}

/**
 * Proxy to `upstream`; each request draws a fault with probability `rate` (among `kinds`), but the same
 * request (method + URL) never fails more than `maxInARow` times in a row, so a client that retries enough
 * always gets through, however many requests run at once.
 */
export async function faultProxy(upstream: string, opts: { seed: number; rate: number; kinds: Fault[]; maxInARow?: number; slowMs?: number }): Promise<FaultProxy> {
  const rnd = seeded(opts.seed)
  const injected: Record<Fault, number> = { none: 0, '500': 0, '503': 0, reset: 0, slow: 0 }
  const up = new URL(upstream)
  const inARow = new Map<string, number>()
  let requests = 0
  const forward = (req: IncomingMessage, res: ServerResponse, delay = 0) => {
    const go = () => {
      // a private connection per request: close() must not leave keep-alive sockets to the upstream behind
      const p = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      })
      p.on('error', () => res.destroy())
      // a client that dies mid-request (kill -9) closes its connection: the upstream sees it cut, as S3 would
      res.on('close', () => { if (!res.writableFinished) p.destroy() })
      req.pipe(p)
    }
    if (delay) setTimeout(go, delay); else go()
  }
  const server = createServer((req, res) => {
    requests++
    const id = `${req.method} ${req.url}`
    const failed = inARow.get(id) ?? 0
    let fault: Fault = 'none'
    if (failed < (opts.maxInARow ?? 2) && rnd() < opts.rate) fault = opts.kinds[Math.floor(rnd() * opts.kinds.length)]
    if (fault === 'none' || fault === 'slow') inARow.delete(id); else inARow.set(id, failed + 1)
    injected[fault]++
    if (fault === '500' || fault === '503') {
      req.resume()
      res.writeHead(Number(fault), { 'content-type': 'application/xml' })
      res.end(`<?xml version="1.0"?><Error><Code>${fault === '503' ? 'SlowDown' : 'InternalError'}</Code><Message>injected</Message></Error>`)
    } else if (fault === 'reset') {
      req.socket.destroy()
    } else forward(req, res, fault === 'slow' ? opts.slowMs ?? 300 : 0)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected,
    get requests() { return requests },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}
