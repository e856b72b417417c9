import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type Handler, type TestServer } from '../helpers/http-server.js'
import { repoRoot, run } from '../helpers/project.js'

const TOKEN = 'glpat-SECRET-xyz-123456'
let gl: TestServer
let repos: string
const projects = new Map<string, Record<string, unknown>>()
const posts: string[] = []

const body = (req: Parameters<Handler>[0]) => new Promise<string>((r) => { let s = ''; req.on('data', (d) => { s += d }); req.on('end', () => r(s)) })
const json = (res: Parameters<Handler>[1], status: number, v: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v)) }

/** `git http-backend` behind Basic auth, as GitLab takes a token: any user name, the token as password */
const gitBackend: Handler = (req, res, url) => {
  const auth = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
  if (auth !== `oauth2:${TOKEN}`) { res.writeHead(401, { 'www-authenticate': 'Basic realm="gitlab"' }).end(); return }
  const cgi = spawn('git', ['http-backend'], {
    env: {
      ...process.env, GIT_PROJECT_ROOT: repos, GIT_HTTP_EXPORT_ALL: '1', REMOTE_USER: 'oauth2', REMOTE_ADDR: '127.0.0.1',
      PATH_INFO: url.pathname.replace(/^\/git/, ''), QUERY_STRING: url.search.slice(1), REQUEST_METHOD: req.method,
      CONTENT_TYPE: req.headers['content-type'] ?? '', HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
    },
  })
  req.pipe(cgi.stdin)
  let head = Buffer.alloc(0), sent = false
  cgi.stdout.on('data', (d: Buffer) => {
    if (sent) { res.write(d); return }
    head = Buffer.concat([head, d])
    const end = head.indexOf('\r\n\r\n')
    if (end < 0) return
    const headers: Record<string, string> = {}
    let status = 200
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const [k, ...v] = line.split(': ')
      if (k.toLowerCase() === 'status') status = parseInt(v.join(': '))
      else headers[k] = v.join(': ')
    }
    res.writeHead(status, headers)
    res.write(head.subarray(end + 4))
    sent = true
  })
  cgi.on('close', () => res.end())
}

beforeAll(async () => {
  repos = mkdtempSync(join(tmpdir(), 'nfo-gitlab-'))
  const authed = (h: Handler): Handler => (req, res, url) =>
    req.headers['private-token'] === TOKEN ? h(req, res, url) : json(res, 401, { message: '401 Unauthorized' })
  gl = await serve([
    { path: '/api/v4/user', handler: authed((_q, res) => json(res, 200, { id: 1, username: 'alice' })) },
    { path: /^\/api\/v4\/namespaces\//, handler: authed((_q, res, url) =>
      decodeURIComponent(url.pathname.split('/').pop()!) === 'team/sub' ? json(res, 200, { id: 42, full_path: 'team/sub' }) : json(res, 404, { message: '404 Namespace Not Found' })) },
    { path: /^\/api\/v4\/projects\/.+/, handler: authed((_q, res, url) => {
      const p = projects.get(decodeURIComponent(url.pathname.slice('/api/v4/projects/'.length)))
      return p ? json(res, 200, p) : json(res, 404, { message: '404 Project Not Found' })
    }) },
    { path: '/api/v4/projects', handler: authed(async (req, res) => {
      const form = new URLSearchParams(await body(req))
      posts.push(form.toString())
      const ns = form.get('namespace_id') === '42' ? 'team/sub' : 'alice'
      const full = `${ns}/${form.get('path')}`
      spawnSync('git', ['init', '-q', '--bare', join(repos, `${full}.git`)])
      const p = { id: projects.size + 1, path_with_namespace: full, http_url_to_repo: `${gl.url}/git/${full}.git`, web_url: `${gl.url}/${full}` }
      projects.set(full, p)
      json(res, 201, p)
    }) },
    { path: /^\/git\//, handler: gitBackend },
  ])
})
afterAll(async () => { await gl.close(); rmSync(repos, { recursive: true, force: true }) })

function project() {
  const root = mkdtempSync(join(tmpdir(), 'nfo-newrepo-'))
  cpSync(join(repoRoot, 'new_repo.sh'), join(root, 'new_repo.sh'))
  const dir = join(root, 'pipelines/basic')
  for (const d of ['basic/conf', 'work/ab', 'results', '.nextflow']) mkdirSync(join(dir, d), { recursive: true })
  writeFileSync(join(dir, 'Pipeline-ENV'), 'export PIPELINE=basic\nexport REVISION=1.0\n')
  writeFileSync(join(dir, 'basic/main.nf'), 'workflow {}\n')
  writeFileSync(join(dir, 'basic/conf/test.config.orig'), 'params {}\n')
  writeFileSync(join(dir, 'test.config'), 'params { input = "s3://b/x" }\n')
  writeFileSync(join(dir, 'work/ab/task.log'), 'x')
  writeFileSync(join(dir, 'results/out.txt'), 'x')
  writeFileSync(join(dir, '.nextflow.log'), 'x')
  const sh = (args: string[], env: Record<string, string | undefined> = {}) => run('bash', [join(root, 'new_repo.sh'), ...args], {
    cwd: root, env: { HOME: root, GITLAB_URL: gl.url, GITLAB_TOKEN: TOKEN, GITLAB_GROUP: undefined, GITLAB_PROJECT: undefined, ...env },
  })
  return { root, dir, sh, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

const git = (dir: string, ...args: string[]) => spawnSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8' }).stdout.trim()

describe('new_repo.sh', () => {
  it('creates the project in GITLAB_GROUP, pushes the folder, and is idempotent', async () => {
    const p = project()
    try {
      const r = await p.sh(['basic'], { GITLAB_GROUP: 'team/sub' })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^✓ project team\/sub\/basic \(created\)\n✓ committed [0-9a-f]+\n✓ pushed main to http:\/\/127\.0\.0\.1:\d+\/team\/sub\/basic\n$/)
      expect(posts.at(-1)).toBe('name=basic&path=basic&namespace_id=42&visibility=private')
      const bare = join(repos, 'team/sub/basic.git')
      expect(git(bare, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual(['Pipeline-ENV', 'basic/conf/test.config.orig', 'basic/main.nf', 'test.config'])
      expect(git(bare, 'log', '-1', '--format=%s', 'main')).toBe('nf-offline: basic 1.0')
      const first = git(bare, 'rev-parse', 'main')

      const nPosts = posts.length
      const again = await p.sh(['basic'], { GITLAB_GROUP: 'team/sub' })
      expect(again.code).toBe(0)
      expect(again.stdout).toMatch(/^✓ project team\/sub\/basic \(existing\)\n✓ nothing new to commit\n✓ pushed main/)
      expect(posts.length).toBe(nPosts)
      expect(git(bare, 'rev-parse', 'main')).toBe(first)

      // a change is a new commit; a lost local repository still pushes fast-forward on top of the project
      writeFileSync(join(p.dir, 'test.config'), 'params { input = "s3://b/y" }\n')
      rmSync(join(p.root, '.cache'), { recursive: true })
      const third = await p.sh(['basic'], { GITLAB_GROUP: 'team/sub' })
      expect(third.stderr).toBe('')
      expect(third.code).toBe(0)
      expect(git(bare, 'rev-parse', 'main~1')).toBe(first)
      expect(git(bare, 'show', 'main:test.config')).toMatch(/s3:\/\/b\/y/)
      expect(git(bare, 'show', 'main:Pipeline-ENV')).toMatch(/PIPELINE=basic/)
    } finally { p.cleanup() }
  })

  it("uses the token's own namespace without GITLAB_GROUP and never prints the token, even under bash -x", async () => {
    const p = project()
    try {
      const r = await run('bash', ['-x', join(p.root, 'new_repo.sh'), 'basic'], {
        cwd: p.root, env: { HOME: p.root, GITLAB_URL: gl.url, GITLAB_TOKEN: TOKEN, GITLAB_GROUP: undefined, GITLAB_PROJECT: 'nf-basic' },
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/✓ project alice\/nf-basic \(created\)/)
      expect(r.stderr).toMatch(/\+ /)   // xtrace did run
      expect(r.stdout + r.stderr).not.toContain(TOKEN)
      expect(posts.at(-1)).toBe('name=nf-basic&path=nf-basic&visibility=private')
      expect(git(join(repos, 'alice/nf-basic.git'), 'ls-tree', '--name-only', 'main')).toMatch(/Pipeline-ENV/)
    } finally { p.cleanup() }
  })

  it.each([
    [[], {}, 'new_repo: name a pipeline: ./new_repo.sh <name> (a folder under pipelines/)'],
    [['nosuch'], {}, 'new_repo: no folder pipelines/nosuch; stage it first: just stage nosuch'],
    [['../x'], {}, "new_repo: '../x' is not a pipeline name"],
    [['basic'], { GITLAB_TOKEN: undefined }, 'new_repo: GITLAB_TOKEN is not set; export a token with the api and write_repository scopes'],
    [['basic'], { GITLAB_URL: '' }, 'new_repo: GITLAB_URL is not set; export it, e.g. https://gitlab.example.org'],
    [['basic'], { GITLAB_TOKEN: 'glpat-wrong-token' }, 'new_repo: GitLab refused the token (HTTP 401); check GITLAB_TOKEN'],
    [['basic'], { GITLAB_GROUP: 'nope' }, "new_repo: GitLab group 'nope' not found (HTTP 404); check GITLAB_GROUP"],
    [['basic'], { GITLAB_URL: 'http://127.0.0.1:9' }, 'new_repo: cannot reach http://127.0.0.1:9 (curl exit 7); check GITLAB_URL and the network'],
  ] as [string[], Record<string, string | undefined>, string][])('%j %j fails with one line', async (args, env, line) => {
    const p = project()
    try {
      const r = await p.sh(args, env)
      expect(r.code).toBe(1)
      expect(r.stderr.trim()).toBe(line)
      expect(r.stdout + r.stderr).not.toContain(TOKEN)
    } finally { p.cleanup() }
  })
})
