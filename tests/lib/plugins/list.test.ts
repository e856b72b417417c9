import { describe, expect, it } from 'vitest'
import { parsePluginsList } from '../../../scripts/lib/plugins/list.js'

const ids = (text: string) => parsePluginsList(text).map((r) => `${r.id}@${r.version} ${r.at}`)

describe('parsePluginsList', () => {
  it.each([
    ['nf-amazon@2.9.3,nf-validation@1.1.3,nf-prov@1.2.2', ['nf-amazon@2.9.3 plugins.list:1', 'nf-validation@1.1.3 plugins.list:1', 'nf-prov@1.2.2 plugins.list:1']],
    ['nf-amazon@2.9.3\nnf-prov@1.2.2\n', ['nf-amazon@2.9.3 plugins.list:1', 'nf-prov@1.2.2 plugins.list:2']],
    ['# plugins for prod\n\n  nf-amazon@2.9.3 , nf-prov@1.2.2  # pinned\n', ['nf-amazon@2.9.3 plugins.list:3', 'nf-prov@1.2.2 plugins.list:3']],
    ['nf-amazon@2.15.0-patch2,\r\nnf-tower@1.9.3-patch2\r\n', ['nf-amazon@2.15.0-patch2 plugins.list:1', 'nf-tower@1.9.3-patch2 plugins.list:2']],
    ['nf-amazon@2.9.3\nnf-amazon@2.9.3', ['nf-amazon@2.9.3 plugins.list:1']],
    ['', []],
    ['# nothing\n', []],
  ])('%j', (text, want) => expect(ids(text)).toEqual(want))

  it.each([
    ['nf-amazon@2.9.3\nnf-prov', "plugins.list:2: 'nf-prov' has no version; offline Nextflow refuses unpinned plugins, write nf-prov@<version>"],
    ['nf-prov@', "plugins.list:1: 'nf-prov@' has no version"],
    ['\n\nnf-amazon@~2.9.0', "plugins.list:3: 'nf-amazon@~2.9.0' is not an exact version"],
    ['nf-amazon@>=2.9', 'plugins.list:1: \'nf-amazon@>=2.9\' is not an exact version'],
    ['@1.0.0', "plugins.list:1: '@1.0.0' is not a plugin id@version"],
    ['nf-amazon@2.9.3\nnf-amazon@2.9.0', 'plugins.list:2: nf-amazon is pinned twice (2.9.3 at plugins.list:1, 2.9.0 here); keep one'],
  ])('%j is refused with file:line', (text, msg) => expect(() => parsePluginsList(text)).toThrow(msg))
})
