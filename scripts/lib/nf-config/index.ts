// nf-config: evaluates a pipeline's nextflow.config (+ includeConfig'd files, + active profiles) statically, like Nextflow.
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { evaluate, property } from './eval.js'
import {
  hasUnresolved, isClosure, isMap, missingValue, setKey, truthy, unresolvedOf, type Resolver,
} from './values.js'
import { parseConfig } from './parser.js'
import { ConfigSyntaxError, isUnresolved, type Expr, type Statement, type Unresolved, type Value } from './types.js'

export { ConfigSyntaxError, isUnresolved, parseConfig }
export type { Expr, Statement, Unresolved, Value }

export interface Assignment {
  key: string            // full dotted key: 'params.fasta', 'docker.registry', 'process.container', ...
  value: Value
  at: string             // 'conf/test.config:12' (path relative to the pipeline dir)
  raw: string            // the source text of the right-hand side
  /** process selectors in force: e.g. ['withName:FASTQC'] or ['withLabel:process_low'] ([] if none) */
  selectors: string[]
  profile?: string       // set when the assignment came from inside `profiles { <name> { ... } }`
}

export interface LoadOptions {
  projectDir: string                        // absolute pipeline dir: value of projectDir/baseDir/launchDir
  profiles: string[]                        // active profiles, e.g. ['test', 'docker'] or ['docker']
  readFile: (absPath: string) => string | undefined   // undefined = missing file (reported, not fatal)
  params?: Record<string, Value>            // params given on the command line (win over config)
  env?: Record<string, string | undefined>  // for System.getenv('X') / "$X" (default: empty → null / unresolved)
}

export interface LoadedConfig {
  params: Record<string, Value>             // final params (nested blocks inside params, e.g. genomes, are maps)
  paramsAt: Record<string, string>          // where each top-level param was last assigned, 'file:line'
  /** the profile whose block (or a file it includes, at any depth) last assigned each top-level param */
  paramsProfile: Record<string, string>
  /** every non-params assignment in evaluation order (docker.registry, process.container under selectors, plugins...) */
  assignments: Assignment[]
  /** last value of a dotted setting, e.g. get('docker.registry') → 'quay.io'; 'params.x' and selector keys too */
  get(key: string): Value | undefined
  plugins: string[]                         // from `plugins { id 'nf-x@1.2.3' }` blocks, as written
  files: string[]                           // config files loaded, in order, relative to projectDir
  unresolved: Unresolved[]                  // expressions that could not be evaluated where it mattered
  problems: string[]                        // missing include files, parse errors in included files: 'file:line: msg'
  /** includeConfig targets not loaded because they are remote (never fetched): 'file:line: url' */
  skipped: string[]
}

interface FileCtx { abs: string; rel: string; locals: Map<string, Value> }
interface Ctx { path: string[]; selectors: string[]; profile?: string; file: FileCtx }

const SELECTOR = /^with(Name|Label):/
const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i
const RUNTIME = new Set(['workflow', 'task', 'session', 'nextflow_version', 'System', 'Math', 'file', 'files', 'log'])
const MAX_DEPTH = 32

/** Evaluate `nextflow.config` in projectDir (+ includeConfig'd files, + active profiles) like Nextflow. */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  return new Evaluator(opts).run()
}

class Evaluator {
  params: Record<string, Value> = {}
  paramsAt: Record<string, string> = {}
  paramsProfile: Record<string, string> = {}
  cliParams: Set<string>
  settings = new Map<string, Value>()
  assignments: Assignment[] = []
  plugins: string[] = []
  files: string[] = []
  unresolved: Unresolved[] = []
  problems: string[] = []
  skipped: string[] = []
  parsed = new Map<string, Statement[] | ConfigSyntaxError>()
  stack: string[] = []
  seenProfiles = new Set<string>()
  active: Set<string>

  constructor(private opts: LoadOptions) {
    this.active = new Set(opts.profiles)
    this.cliParams = new Set(Object.keys(opts.params ?? {}))
    for (const [k, v] of Object.entries(opts.params ?? {})) setKey(this.params, k, structuredClone(v))
  }

  run(): LoadedConfig {
    const root = resolve(this.opts.projectDir, 'nextflow.config')
    this.include(root, { path: [], selectors: [], file: { abs: root, rel: 'nextflow.config', locals: new Map() } }, null)
    for (const p of this.opts.profiles) if (!this.seenProfiles.has(p)) this.problems.push(`nextflow.config: profile '${p}' is not defined`)
    const { params, paramsAt, paramsProfile, assignments, plugins, files, unresolved, problems, skipped, settings } = this
    const get = (key: string): Value | undefined => {
      if (key.startsWith('params.')) {
        let v: Value | undefined = params
        for (const k of key.slice(7).split('.')) v = isMap(v) && Object.hasOwn(v, k) ? v[k] : undefined
        return v
      }
      return settings.get(key)
    }
    return { params, paramsAt, paramsProfile, assignments, get, plugins, files, unresolved, problems, skipped }
  }

  /** read, parse (once) and evaluate one file in the including context; `from` is the includeConfig's 'file:line' */
  include(abs: string, ctx: Ctx, from: string | null) {
    const base = this.opts.projectDir.replace(/\/+$/, '') + '/'
    const rel = abs.startsWith(base) ? abs.slice(base.length) : relative(this.opts.projectDir, abs) || abs
    if (this.stack.includes(abs) || this.stack.length >= MAX_DEPTH) {
      this.problems.push(`${from}: includeConfig ${rel} ${this.stack.includes(abs) ? 'includes itself' : `nests deeper than ${MAX_DEPTH} files`}`)
      return
    }
    let stmts = this.parsed.get(abs)
    if (!stmts) {
      const text = this.opts.readFile(abs)
      if (text === undefined) {
        this.problems.push(from ? `${from}: includeConfig file not found: ${rel}` : `${rel}: not found`)
        return
      }
      try {
        stmts = parseConfig(text, rel)
      } catch (err) {
        if (!(err instanceof ConfigSyntaxError)) throw err
        if (from === null) throw err
        stmts = err
      }
      this.parsed.set(abs, stmts)
    }
    if (stmts instanceof ConfigSyntaxError) {
      if (!this.problems.includes(stmts.message)) this.problems.push(stmts.message)  // once, however often included
      return
    }
    if (!this.files.includes(rel)) this.files.push(rel)
    this.stack.push(abs)
    this.exec(stmts, { ...ctx, file: { abs, rel, locals: new Map() } })
    this.stack.pop()
  }

  exec(stmts: Statement[], ctx: Ctx) {
    for (const s of stmts) this.statement(s, ctx)
  }

  statement(s: Statement, ctx: Ctx) {
    const at = () => `${ctx.file.rel}:${s.line}`
    switch (s.kind) {
      case 'assign': return this.assign(ctx.path.length ? [...ctx.path, ...s.path] : s.path, this.eval(s.expr, ctx), s.raw, at(), ctx)
      case 'block':
        if (s.name === 'profiles' && ctx.path.length === 0) return this.profiles(s.body, ctx)
        if (SELECTOR.test(s.name)) return this.exec(s.body, { ...ctx, selectors: [...ctx.selectors, s.name.replace(/:\s*/, ':')] })
        return this.exec(s.body, { ...ctx, path: [...ctx.path, s.name] })
      case 'selector': return this.exec(s.body, { ...ctx, selectors: [...ctx.selectors, s.selector] })
      case 'include': return this.includeStatement(s.expr, at(), ctx)
      case 'if':
        for (const b of s.branches) {
          const t = b.cond === null ? true : truthy(this.eval(b.cond, ctx))
          if (t === undefined) this.unresolved.push(unresolvedOf(b.cond!, this.resolver(ctx)))
          if (t === true) this.exec(b.body, ctx)
          if (t !== false) return  // undecidable: neither branch is applied
        }
        return
      case 'try': return this.exec(s.body, ctx)
      case 'def':
        ctx.file.locals.set(s.name, s.expr ? this.eval(s.expr, ctx) : null)
        return
      case 'call':
        if (s.name === 'id' && ctx.path.join('.') === 'plugins' && s.args.length === 1) {
          const v = this.eval(s.args[0], ctx)
          const a: Assignment = { key: 'plugins.id', value: v, at: at(), raw: s.raw, selectors: [] }
          if (ctx.profile !== undefined) a.profile = ctx.profile
          this.assignments.push(a)
          if (typeof v === 'string') this.plugins.push(v)
          else this.unresolved.push({ unresolved: s.raw, at: a.at })
        }
        return
      case 'expr': return
      case 'skipped':
        if (!s.why.startsWith('function ')) this.unresolved.push({ unresolved: s.raw, at: at() })
    }
  }

  profiles(body: Statement[], ctx: Ctx) {
    // Nextflow applies active profiles in the order they appear here, not the order given to -profile.
    for (const p of body) {
      if (p.kind !== 'block') continue
      this.seenProfiles.add(p.name)
      if (this.active.has(p.name)) this.exec(p.body, { ...ctx, profile: p.name })
    }
  }

  includeStatement(expr: Expr, at: string, ctx: Ctx) {
    const v = this.eval(expr, ctx)
    if (typeof v !== 'string') {
      this.unresolved.push(isUnresolved(v) ? v : { unresolved: expr.src, at })
      return
    }
    if (v === '/dev/null' || v === '') return
    if (REMOTE.test(v) && !v.startsWith('file://')) {
      this.skipped.push(`${at}: ${v}`)
      return
    }
    const path = v.replace(/^file:\/\//, '')
    this.include(isAbsolute(path) ? path : resolve(dirname(ctx.file.abs), path), ctx, at)
  }

  assign(path: string[], value: Value, raw: string, at: string, ctx: Ctx) {
    // process.'withName:X'.container = ...: the quoted part is a selector
    let key = path
    if (path.some((k) => SELECTOR.test(k))) {
      key = path.filter((k) => !SELECTOR.test(k))
      ctx = { ...ctx, selectors: [...ctx.selectors, ...path.filter((k) => SELECTOR.test(k)).map((k) => k.replace(/:\s*/, ':'))] }
    }
    if (key[0] === 'params' && key.length > 1 && ctx.selectors.length === 0) return this.setParam(key.slice(1), value, at, ctx.profile)
    const full = key.join('.')
    const a: Assignment = { key: full, value, at, raw, selectors: [...ctx.selectors] }
    if (ctx.profile !== undefined) a.profile = ctx.profile
    this.assignments.push(a)
    if (ctx.selectors.length === 0) this.settings.set(full, value)
    else this.settings.set([key[0], ...ctx.selectors, ...key.slice(1)].join('.'), value)
    if (full.endsWith('container') && hasUnresolved(value) && !isClosure(value) && /(^|\.)container$/.test(full)) this.noteUnresolved(value, at)
  }

  setParam(path: string[], value: Value, at: string, profile?: string) {
    if (this.cliParams.has(path[0])) return  // command-line params win over every config file
    let m = this.params
    for (const k of path.slice(0, -1)) {
      if (!isMap(m[k]) || !Object.hasOwn(m, k)) setKey(m, k, {})
      m = m[k] as Record<string, Value>
    }
    setKey(m, path[path.length - 1], value)
    this.paramsAt[path[0]] = at
    if (profile === undefined) delete this.paramsProfile[path[0]]
    else this.paramsProfile[path[0]] = profile
    if (hasUnresolved(value) && !isClosure(value)) this.noteUnresolved(value, at)
  }

  noteUnresolved(v: Value, at: string): void {
    if (isUnresolved(v)) this.unresolved.push(isClosure(v) ? { unresolved: v.unresolved, at } : v)
    else if (typeof v === 'object' && v !== null) for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasUnresolved(x) && !isClosure(x)) return this.noteUnresolved(x, at)
  }

  eval(e: Expr, ctx: Ctx): Value {
    return evaluate(e, this.resolver(ctx))
  }

  resolver(ctx: Ctx): Resolver {
    const at = (line: number) => `${ctx.file.rel}:${line}`
    const env = this.opts.env ?? {}
    const self: Resolver = {
      at,
      getenv: (name) => env[name] ?? null,
      resolve: (names, e) => {
        const walk = (v: Value, rest: string[]): Value => rest.reduce<Value>((o, n) => property(o, n, false, e, self), v)
        const [head, ...rest] = names
        if (ctx.file.locals.has(head)) return walk(ctx.file.locals.get(head)!, rest)
        if (head === 'params') return rest.length ? this.readParam(rest, e, self) : this.params
        if (head === 'projectDir' || head === 'baseDir' || head === 'launchDir') return walk(this.opts.projectDir, rest)
        if (RUNTIME.has(head)) return unresolvedOf(e, self)
        // inside params { }, bare names are params (as in Groovy's ConfigSlurper)
        if (ctx.path[0] === 'params' && ctx.selectors.length === 0) {
          const inner = [...ctx.path.slice(1), ...names]
          if (Object.hasOwn(this.params, inner[0])) return this.readParam(inner, e, self)
        }
        for (let n = names.length; n >= 1; n--) {
          const key = names.slice(0, n).join('.')
          const scoped = [...ctx.path, key].join('.')
          if (ctx.path.length && this.settings.has(scoped)) return walk(this.settings.get(scoped)!, names.slice(n))
          if (this.settings.has(key)) return walk(this.settings.get(key)!, names.slice(n))
        }
        if (env[head] !== undefined) return walk(env[head]!, rest)  // Nextflow binds environment variables in configs
        return unresolvedOf(e, self)
      },
    }
    return self
  }

  readParam(path: string[], e: Expr, r: Resolver): Value {
    if (!Object.hasOwn(this.params, path[0])) return missingValue(e, r)
    return path.slice(1).reduce<Value>((o, n) => property(o, n, false, e, r), this.params[path[0]])
  }
}
