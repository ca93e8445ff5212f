// l10n/bundle.l10n.json is what translators translate: it must hold every message the code looks
// up (a missing one could never be translated) and nothing the code no longer says (stale work for
// translators), with keys exactly as localizedTag asks the translator for them.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { BUNDLE_PATH, collectL10nKeys, keysInSource } from '../../scripts/lib/l10n-keys'
import { localizedTag, untrusted } from '../../src/shared/shown-text'
import { PAGE_TEXTS } from '../../src/shared/page-text'

const ROOT = path.join(import.meta.dirname, '..', '..')
const bundle: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, BUNDLE_PATH), 'utf8'))
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))

describe('the l10n bundle', () => {
  const { keys, problems } = collectL10nKeys(ROOT)

  it('holds every message the code translates (run npm run l10n:export after changing a text)', () => {
    assert.deepEqual(keys.filter(k => bundle[k.key] == null).map(k => `${k.at[0]}: ${k.key}`), [])
  })

  it('holds no message the code no longer uses', () => {
    const used = new Set(keys.map(k => k.key))
    assert.deepEqual(Object.keys(bundle).filter(k => !used.has(k)), [])
  })

  it('every lookup names its message as a literal, so that it can be exported', () => {
    assert.deepEqual(problems, [])
  })

  it('is where the manifest tells VS Code to look', () => {
    assert.equal(manifest.l10n, './l10n')
    assert.match(manifest.scripts['l10n:export'], /scripts\/l10n-export\.ts/)
  })

  it('keys a template as localizedTag asks the translator for it', () => {
    const source = 'const a = localized`Connected to ${untrusted(name)} at ${when}, \\u00e9 ${n}.`\n' +
      'vscode.l10n.t(\'At most 64 characters.\')\ndocumentText(\'{0} is typing…\', name)\nother`not ${x} ours`'
    const found = keysInSource('x.ts', source).map(k => k.key)
    let asked = ''
    const tag = localizedTag(key => { asked = key; return key })
    // The same template, written out: what the translator is handed at run time.
    void tag`Connected to ${untrusted('a')} at ${untrusted('b')}, \u00e9 ${1}.`
    assert.deepEqual(found, [asked, 'At most 64 characters.', '{0} is typing…'])
  })

  it('lists only words the chat page uses (a key the page no longer shows is stale)', () => {
    const pageSources = [...readdirSync(path.join(ROOT, 'src/webview')).filter(f => f.endsWith('.ts')).map(f => `src/webview/${f}`), 'src/vscode/chat/chat-page.ts']
      .map(f => readFileSync(path.join(ROOT, f), 'utf8')).join('\n')
    // and the messages of the shared helpers the page calls (durations, worded through `localized`)
    const helperKeys = new Set(keysInSource('src/shared/time.ts', readFileSync(path.join(ROOT, 'src/shared/time.ts'), 'utf8')).map(k => k.key))
    assert.deepEqual(PAGE_TEXTS.filter(key => !pageSources.includes(`'${key}'`) && !helperKeys.has(key)), [])
  })

  it('would catch a template missing from the bundle', () => {
    const [{ key }] = keysInSource('x.ts', 'localized`A message no bundle has, ${untrusted(x)}.`')
    assert.equal(bundle[key], undefined)
  })
})
