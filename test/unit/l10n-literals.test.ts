// English written straight into a text the user reads (a command's title, a tooltip, an input
// box's note, a reason, the page's labels) would never be translated: it must be a `localized`
// template, a vscode.l10n.t call or one of the page's texts. This scan catches the plain literals.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'
import { templateKey } from '../../scripts/lib/l10n-keys'

const ROOT = path.join(import.meta.dirname, '..', '..')
/** A user-facing property given a quoted text with a space or sentence punctuation in it. */
const LITERAL_TEXT = /\b(required|reason|error|note|message|title|tooltip|placeholder|placeHolder|prompt|label|description|detail|text|textContent|readOnly|saveLabel|openLabel)\s*[:=]\s*(['"][A-Za-z][A-Za-z]*[ .,'…][^'"]*['"]|`[A-Za-z][^`]* [^`]*`)/

function tsFiles (dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name).split(path.sep).join('/')] : [])
}

/** One capitalized word ("Agenda") given to a label, or any text given to a page element's label attribute. */
const LITERAL_WORD = /\b(textContent|title|placeholder|label|tooltip|description|required|reason|note|error)\s*[:=]\s*['"][A-Z][A-Za-z]+['"]|setAttribute\('(aria-label|aria-description|title|placeholder)', *['"`][A-Za-z]/

function literalTexts (source: string): string[] {
  return source.split('\n').filter(line => !/^\s*(\/\/|\*)/.test(line) && (LITERAL_TEXT.test(line) || LITERAL_WORD.test(line)))
}

/** `shown` templates with words in them: `shown` is for joining parts; words go through `localized`. */
function wordsInShown (fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'shown' && /\p{L}/u.test(templateKey(node.template).replace(/\{\d+\}/g, ''))) {
      found.push(`${fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('texts for the user', () => {
  it('are never plain English literals in the extension, the page or the shared helpers', () => {
    const found: string[] = []
    for (const file of ['src/extension.ts', ...tsFiles('src/vscode'), ...tsFiles('src/webview'), ...tsFiles('src/shared')]) {
      for (const line of literalTexts(readFileSync(path.join(ROOT, file), 'utf8'))) found.push(`${file}: ${line.trim()}`)
    }
    assert.deepEqual(found, [])
  })

  it('are never words in a `shown` template (which no translator sees), in the extension, the core or the shared helpers', () => {
    const files = ['src/extension.ts', ...tsFiles('src/vscode'), ...tsFiles('src/core'), ...tsFiles('src/shared')].filter(f => f !== 'src/shared/shown-text.ts')
    assert.deepEqual(files.flatMap(f => wordsInShown(f, readFileSync(path.join(ROOT, f), 'utf8'))), [])
    assert.equal(wordsInShown('x.ts', 'const a = shown`Open ${untrusted(x)}`').length, 1)
    assert.equal(wordsInShown('x.ts', 'const a = shown`${a} · ${b}\n`').length, 0)
  })

  it('are never English in the chat page\'s HTML: its labels and words come from the page texts', () => {
    const html = readFileSync(path.join(ROOT, 'src/vscode/chat/chat-page.ts'), 'utf8')
    const englishInHtml = /\b(aria-label|placeholder|title)="[A-Za-z]|>[A-Za-z][^<>$]*</g
    assert.deepEqual(html.match(englishInHtml) ?? [], [])
    assert.ok('<button aria-label="Next result">'.match(englishInHtml) != null && '<p class="x">Up and Down</p>'.match(englishInHtml) != null)
  })

  it('the scan would catch one', () => {
    assert.equal(literalTexts("item.tooltip = 'DevMeet is loading…'").length, 1)
    assert.equal(literalTexts("    return { ok: false, reason: 'The last day is before the first meeting.' }").length, 1)
    assert.equal(literalTexts('  return { note: `Duration: ${formatDuration(m)}` }').length, 1)
    assert.equal(literalTexts('  item.command = { command: \'devmeet.openChat\', title: \'Open Chat\', arguments: [node] }').length, 1)
    assert.equal(literalTexts("    h.textContent = 'Agenda'").length, 1)
    assert.equal(literalTexts("    section.setAttribute('aria-label', 'Outcomes')").length, 1)
    assert.equal(literalTexts('item.tooltip = localized`DevMeet is loading…`').length, 0)
    assert.equal(literalTexts("    section.setAttribute('aria-label', pageText('Outcomes'))").length, 0)
    assert.equal(literalTexts("el.className = 'message'").length, 0)
  })
})
