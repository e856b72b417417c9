// tree: a synthetic pipeline folder shaped like a staged nf-core/sarek 3.4.4 (sizes only; no nf-core code).
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { recordDerived } from '../scripts/lib/stage/derived.js'

/** A small seeded PRNG (mulberry32): the same tree on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Sizes measured on sarek 3.4.4's git tree (934 files, 21 MB): median 1.6 kB, 90% under 10 kB, 97% under
 * 37 kB, and a dozen posters/images of 0.3 to 2.3 MB. Small files get a log-normal size around that median.
 */
function sizes(random: () => number): number[] {
  const out: number[] = []
  for (let i = 0; i < 935; i++) {
    const z = Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random())
    out.push(Math.min(200_000, Math.max(20, Math.round(1650 * Math.exp(1.42 * z)))))
  }
  for (let i = 0; i < 14; i++) out.push(Math.round(340_000 + (i / 13) * 2_300_000))
  return out
}

const line = (random: () => number) => `    ${'process tool_' + Math.floor(random() * 1e6)} // ${random().toString(36).slice(2)}\n`

/**
 * Write `pipelines/<name>/` under `root` as `stage` + `mirror` leave it: the staged code (modules,
 * subworkflows, docs, conf), Pipeline-ENV, .staged, .derived.json, test.config, inputs3.csv and the links between them.
 * Returns the number of files and bytes (links counted as the files they point to).
 */
export function makeTree(root: string, name = 'sarek'): { files: number; bytes: number } {
  const random = rng(344)
  const dir = join(root, 'pipelines', name)
  const code = join(dir, name)
  let files = 0, bytes = 0
  const write = (rel: string, size: number) => {
    const path = join(code, rel)
    mkdirSync(dirname(path), { recursive: true })
    let text = ''
    while (text.length < size) text += line(random)
    writeFileSync(path, text.slice(0, size))
    utimesSync(path, 1_710_000_000, 1_710_000_000)   // tar extraction keeps the release's mtimes
    files++; bytes += size
  }
  const all = sizes(random)
  const big = all.slice(-14), small = all.slice(0, -14)
  big.forEach((s, i) => write(i < 2 ? `docs/images/image_${i}.png` : `docs/posters/poster_${i}.${i % 2 ? 'pdf' : 'svg'}`, s))
  const kinds = ['main.nf', 'meta.yml', 'environment.yml', 'tests/main.nf.test', 'tests/main.nf.test.snap', 'tests/tags.yml']
  small.forEach((s, i) => {
    if (i < 20) write(`conf/${i === 0 ? 'test.config' : `c_${i}.config`}`, s)
    else if (i < 60) write(`docs/usage_${i}.md`, s)
    else if (i < 120) write(`subworkflows/local/sw_${i % 30}/${kinds[i % 2]}`, s)
    else if (i < 200) write(`subworkflows/nf-core/sw_${i % 40}/${kinds[i % 3]}`, s)
    else if (i < 240) write(`assets/a_${i}.txt`, s)
    else write(`modules/nf-core/tool_${Math.floor(i / 6) % 120}/sub_${i % 2}/${kinds[i % 6]}`, s)
  })
  write('nextflow.config', 14_000)
  write('main.nf', 9_000)
  // the folder around the code, and the links stage and mirror make
  writeFileSync(join(dir, 'Pipeline-ENV'), `export PIPELINE=${name}\nexport REVISION=3.4.4\n`)
  writeFileSync(join(dir, '.staged'), '3.4.4 0000\n')
  writeFileSync(join(dir, 'inputs3.csv'), 'patient,sample,lane,fastq_1,fastq_2\n')
  writeFileSync(join(dir, 'test.config'), 'params { input = "inputs3.csv" }\n')
  // recorded as mirror records them, so `up` takes them as made for the staged release
  for (const f of ['inputs3.csv', 'test.config']) recordDerived(dir, f, '3.4.4', readFileSync(join(dir, f)))
  if (!existsSync(join(root, 'pipelines', 'pipeline.just'))) writeFileSync(join(root, 'pipelines', 'pipeline.just'), '# recipes\n')
  renameSync(join(code, 'conf/test.config'), join(code, 'conf/test.config.orig'))
  symlinkSync('../../test.config', join(code, 'conf/test.config'))
  symlinkSync('../Pipeline-ENV', join(code, 'ENV'))
  symlinkSync('../justfile', join(code, 'justfile'))
  symlinkSync('../inputs3.csv', join(code, 'inputs3.csv'))
  symlinkSync('../pipeline.just', join(dir, 'justfile'))
  return { files: files + 10, bytes }
}
