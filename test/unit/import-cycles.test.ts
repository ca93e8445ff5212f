import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { findImportCycles } from '../../scripts/lib/import-cycles'

const ROOT = path.resolve(import.meta.dirname, '../..')

const made: string[] = []
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }) })

function folder (files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-cycles-'))
  made.push(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

describe('import cycles', () => {
  it('finds none in src', () => {
    assert.deepEqual(findImportCycles(path.join(ROOT, 'src')), [])
  })

  it('finds a cycle made by a type-only import, and names its files in order', () => {
    const dir = folder({
      'hub.ts': "import { Service } from './parts/service'\nexport class Hub { s = new Service(this) }\n",
      'parts/service.ts': "import type { Hub } from '../hub'\nexport class Service { constructor (readonly hub: Hub) {} }\n",
      'leaf.ts': "import { Hub } from './hub'\nexport const h = new Hub()\n"
    })
    assert.deepEqual(findImportCycles(dir), [['hub.ts', 'parts/service.ts', 'hub.ts']])
  })

  it('follows index files and re-exports, and ignores packages', () => {
    const dir = folder({
      'a/index.ts': "export * from '../b'\nimport 'node:fs'\n",
      'b.ts': "export { x } from './a'\nexport const y = 1\n"
    })
    assert.deepEqual(findImportCycles(dir), [['a/index.ts', 'b.ts', 'a/index.ts']])
  })

  it('reports nothing for a tree', () => {
    const dir = folder({ 'a.ts': "import './b'\nimport './c'\n", 'b.ts': "import './c'\n", 'c.ts': '' })
    assert.deepEqual(findImportCycles(dir), [])
  })
})
