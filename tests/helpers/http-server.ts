// http-server: a real HTTP server on 127.0.0.1 that plays GitHub, test-data hosts or plugin indexes for tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>
export interface Route {
  /** exact path, or a RegExp on the path */
  path: string | RegExp
  handler?: Handler
  /** shorthands */
  body?: string | Buffer | (() => string | Buffer)
  json?: unknown
  redirect?: string
  status?: number
  headers?: Record<string, string>
}

export interface TestServer {
  url: string
  /** every request seen, as `METHOD /path?query` */
  log: string[]
  /** `headers` of every request, in order */
  headers: Record<string, string | string[] | undefined>[]
  add(route: Route): void
  close(): Promise<void>
}

/** Start a server on 127.0.0.1:0; unmatched paths are 404. Later routes win over earlier ones. */
export async function serve(routes: Route[] = []): Promise<TestServer> {
  const table = [...routes]
  const log: string[] = []
  const headers: TestServer['headers'] = []
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    log.push(`${req.method} ${url.pathname}${url.search}`)
    headers.push(req.headers)
    const route = [...table].reverse().find((r) => typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname))
    try {
      if (!route) { res.writeHead(404).end('not found'); return }
      if (route.handler) { await route.handler(req, res, url); return }
      if (route.redirect) { res.writeHead(302, { location: route.redirect }).end(); return }
      const body = route.json !== undefined ? JSON.stringify(route.json)
        : typeof route.body === 'function' ? route.body() : route.body ?? ''
      res.writeHead(route.status ?? 200, {
        'content-length': Buffer.byteLength(body),
        ...(route.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...route.headers,
      })
      res.end(req.method === 'HEAD' ? undefined : body)
    } catch (e) {
      res.writeHead(500).end(String(e))
    }
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    headers,
    add: (r) => { table.push(r) },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}

/** A handler that fails the first `n` requests with `status` (or a connection reset), then delegates. */
export function flaky(n: number, then: Handler, fail: number | 'reset' = 503): Handler {
  let left = n
  return (req, res, url) => {
    if (left-- > 0) {
      if (fail === 'reset') { req.socket.destroy(); return }
      res.writeHead(fail).end('try again')
      return
    }
    return then(req, res, url)
  }
}

/** A loopback port with nothing listening (for "network unreachable" cases). */
export async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}
