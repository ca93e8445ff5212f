// English written straight into a text the user reads (a command's title, a tooltip, an input
// box's note, a reason, the page's labels) would never be translated: it must be a `localized`
// template, a vscode.l10n.t call or one of the page's texts. This scan catches the plain literals.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'

const ROOT = path.join(import.meta.dirname, '..', '..')
/** A user-facing property given a quoted text with a space or sentence punctuation in it. */
const LITERAL_TEXT = /\b(required|reason|error|note|message|title|tooltip|placeholder|placeHolder|prompt|label|description|detail|text|textContent|readOnly|saveLabel|openLabel)\s*[:=]\s*(['"][A-Za-z][A-Za-z]*[ .,'…][^'"]*['"]|`[A-Za-z][^`]* [^`]*`)/

function tsFiles (dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name).split(path.sep).join('/')] : [])
}

function literalTexts (source: string): string[] {
  return source.split('\n').filter(line => !/^\s*(\/\/|\*)/.test(line) && LITERAL_TEXT.test(line))
}

describe('texts for the user', () => {
  it('are never plain English literals in the extension, the page or the shared helpers', () => {
    const found: string[] = []
    for (const file of ['src/extension.ts', ...tsFiles('src/vscode'), ...tsFiles('src/webview'), ...tsFiles('src/shared')]) {
      for (const line of literalTexts(readFileSync(path.join(ROOT, file), 'utf8'))) found.push(`${file}: ${line.trim()}`)
    }
    assert.deepEqual(found, [])
  })

  it('the scan would catch one', () => {
    assert.equal(literalTexts("item.tooltip = 'DevMeet is loading…'").length, 1)
    assert.equal(literalTexts("    return { ok: false, reason: 'The last day is before the first meeting.' }").length, 1)
    assert.equal(literalTexts('  return { note: `Duration: ${formatDuration(m)}` }').length, 1)
    assert.equal(literalTexts('  item.command = { command: \'devmeet.openChat\', title: \'Open Chat\', arguments: [node] }').length, 1)
    assert.equal(literalTexts('item.tooltip = localized`DevMeet is loading…`').length, 0)
    assert.equal(literalTexts("el.className = 'message'").length, 0)
  })
})
