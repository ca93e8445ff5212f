// The single gate: only src/vscode/user-messages.ts may call the workbench APIs that render text
// (notifications, status bar messages, markdown, quick picks, input boxes, tree items, the output
// channel). Everything else goes through its ShownText-typed functions.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'

const ROOT = path.join(import.meta.dirname, '..', '..')
const GATE = 'src/vscode/user-messages.ts'
const RENDERING_CALLS = /\b(showInformationMessage|showWarningMessage|showErrorMessage|setStatusBarMessage|MarkdownString|createOutputChannel)\b|window\s*\.\s*(showQuickPick|showInputBox)\b|new\s+(vscode\s*\.\s*)?TreeItem\b/g
/** The multi-step input builds its boxes from ShownText-typed steps; nothing else makes them. */
const QUICK_INPUTS = /\b(createQuickPick|createInputBox)\b/g
const QUICK_INPUT_HOME = 'src/vscode/conferences/multi-step-input.ts'

function tsFiles (dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name).split(path.sep).join('/')] : [])
}

function offences (pattern: RegExp, allowed: string): string[] {
  const found: string[] = []
  for (const file of tsFiles('src/vscode').concat(['src/extension.ts'])) {
    if (file === allowed) continue
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n')
    lines.forEach((line, i) => { if (line.match(pattern) != null) found.push(`${file}:${i + 1}: ${line.trim()}`) })
  }
  return found
}

describe('the user-messages gate', () => {
  it('is the only module that shows notifications, status messages, markdown, picks, input boxes, tree items or the output channel', () => {
    assert.deepEqual(offences(RENDERING_CALLS, GATE), [])
  })

  it('quick inputs are made only by the ShownText-typed multi-step input', () => {
    assert.deepEqual(offences(QUICK_INPUTS, QUICK_INPUT_HOME), [])
  })

  it('the gate makes markdown untrusted and without HTML', () => {
    const gate = readFileSync(path.join(ROOT, GATE), 'utf8')
    assert.match(gate, /isTrusted = false/)
    assert.match(gate, /supportHtml = false/)
    assert.doesNotMatch(gate, /isTrusted = true|supportHtml = true|enableCommandUris/)
  })

  it('the scan would catch a stray call', () => {
    assert.ok('void vscode.window.showWarningMessage(`x`)'.match(RENDERING_CALLS) != null)
    assert.ok('const { showErrorMessage } = vscode.window'.match(RENDERING_CALLS) != null)
    assert.ok('new vscode.TreeItem(label)'.match(RENDERING_CALLS) != null)
    assert.ok('await input.showInputBox({'.match(RENDERING_CALLS) == null)
  })
})

describe('commands that write files', () => {
  it('take no path from their arguments: where to write comes from a save dialog', () => {
    // A command can be run from a link ([x](command:devmeet.exportIcs?…)); a path in its argument
    // would let the link choose the file to overwrite.
    const readsPathFromArg = /\barg\w*\s*(as[^)]*\))?\)?\??\.\s*(target|path|file|uri|folder|dest\w*|out\w*)\b/
    const found: string[] = []
    for (const file of tsFiles('src/vscode')) {
      readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
        if (readsPathFromArg.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    assert.deepEqual(found, [])
    for (const [file, command] of [['src/vscode/conferences/conference-commands.ts', 'devmeet.exportIcs'], ['src/vscode/chat/index.ts', 'devmeet.exportTranscript']]) {
      const source = readFileSync(path.join(ROOT, file), 'utf8')
      const handler = source.slice(source.indexOf(`'${command}'`))
      const body = handler.slice(0, handler.indexOf('writeFile'))
      assert.match(body, /showSaveDialog/, `${command} asks where to write`)
    }
  })

  it('a destructive command cannot skip its confirmation through its argument', () => {
    const source = readFileSync(path.join(ROOT, 'src/vscode/conferences/conference-commands.ts'), 'utf8')
    const handler = source.slice(source.indexOf("'devmeet.cancelConference'"))
    assert.doesNotMatch(handler.slice(0, handler.indexOf('api.cancel')), /confirmed/)
    assert.match(handler.slice(0, handler.indexOf('api.cancel')), /confirmModal/)
  })

  it('the path check would catch the old exportIcs', () => {
    const readsPathFromArg = /\barg\w*\s*(as[^)]*\))?\)?\??\.\s*(target|path|file|uri|folder|dest\w*|out\w*)\b/
    assert.ok(readsPathFromArg.test('const given = (arg as { target?: unknown } | undefined)?.target'))
  })
})
