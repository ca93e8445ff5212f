// The manifest's user-facing strings (command titles, view names, welcome texts, setting
// descriptions) are %key% placeholders filled from package.nls.json (package.nls.<locale>.json
// for translations), and the packaged extension carries that file.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

const read = (file: string): any => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'))
const manifest = read('package.json')
const strings: Record<string, string> = read('package.nls.json')

/** Every string value in the manifest, with where it is. */
function values (node: unknown, at = ''): Array<[string, string]> {
  if (typeof node === 'string') return [[at, node]]
  if (Array.isArray(node)) return node.flatMap((v, i) => values(v, `${at}[${i}]`))
  if (node != null && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => values(v, `${at}.${k}`))
  return []
}

describe('the manifest, ready for translation', () => {
  it('gives every placeholder a text in package.nls.json, and package.nls.json nothing unused', () => {
    const keys = values(manifest).map(([, v]) => v.match(/^%([^%]+)%$/)?.[1]).filter((k): k is string => k != null)
    assert.deepEqual(keys.filter(k => strings[k] == null), [])
    assert.deepEqual(Object.keys(strings).filter(k => !keys.includes(k)), [])
  })

  it('has no literal command title, view name, welcome text or setting description left', () => {
    const c = manifest.contributes
    const literal = (v: unknown): boolean => typeof v === 'string' && !/^%[^%]+%$/.test(v)
    const found = [
      ...c.commands.flatMap((x: any) => [x.title, x.category].filter(literal)),
      ...Object.values(c.views).flat().map((x: any) => x.name).filter(literal),
      ...c.viewsWelcome.map((x: any) => x.contents).filter(literal),
      ...Object.values(c.configuration.properties).flatMap((p: any) => [p.description, p.markdownDescription, ...(p.enumDescriptions ?? []), ...(p.markdownEnumDescriptions ?? [])].filter(literal))
    ]
    assert.deepEqual(found, [])
  })

  it('is packaged with its strings', () => {
    assert.match(readFileSync(new URL('../../.vscodeignore', import.meta.url), 'utf8'), /^!package\.nls\.json$/m)
    assert.match(readFileSync(new URL('../../scripts/package.ts', import.meta.url), 'utf8'), /'package\.nls\.json'/)
  })
})
