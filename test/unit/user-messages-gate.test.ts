// The single gate: only src/vscode/user-messages.ts may call the workbench APIs that render text
// (notifications, status bar messages, markdown, quick picks, input boxes, tree items, the output
// channel). Everything else goes through its ShownText-typed functions.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { localizedTag, shown, untrusted, type Translate } from '../../src/shared/shown-text'

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

describe('commands that send to the network or change a conference', () => {
  // A `command:` link in any markdown, or another extension, can run a command with any argument.
  // What sends something to the network or changes a conference must show the user what will
  // happen and ask first (a modal with the details as inert text, or an input the user accepts);
  // an argument may only name what is asked about.
  const NETWORK_CALL = /\.(connect|create|invite|reschedule|respond|cancel|forget)\(|chat\.send\(|\bsubmit\(/
  const ASKS = /\b(confirmed|confirmModal|askText|MultiStepInput\.run|pickConference)\(/

  /** Each registered command's handler text, with the functions it hands its argument to. */
  function handlers (): Array<{ command: string, file: string, body: string }> {
    const found: Array<{ command: string, file: string, body: string }> = []
    for (const file of tsFiles('src/vscode')) {
      const source = readFileSync(path.join(ROOT, file), 'utf8')
      const starts = [...source.matchAll(/(?:\breg|registerCommand)\('(devmeet\.[A-Za-z]+)'/g)]
      starts.forEach((m, i) => {
        let body = source.slice(m.index, starts[i + 1]?.index ?? source.length)
        // A one-line handler that passes its argument on: follow it into the function it calls.
        const passed = /=>\s*(?:this\.)?(\w+)\([^)]*\barg\b/.exec(body.split('\n')[0])
        if (passed != null) {
          for (const f of tsFiles('src/vscode')) {
            const other = readFileSync(path.join(ROOT, f), 'utf8')
            const at = other.search(new RegExp(`(async\\s+function\\s+|private\\s+async\\s+)${passed[1]}\\s*\\(`))
            if (at < 0) continue
            const rest = other.slice(at + 1)
            const end = rest.search(/\n {2}private |\n(export )?(async )?function /)
            body += other.slice(at, end < 0 ? undefined : at + 1 + end)
          }
        }
        found.push({ command: m[1], file, body })
      })
    }
    return found
  }

  it('ask the user before any network call when they take an argument', () => {
    const offending: string[] = []
    for (const h of handlers()) {
      const call = h.body.search(NETWORK_CALL)
      if (call < 0 || !/\barg\b/.test(h.body)) continue
      if (!ASKS.test(h.body.slice(0, call))) offending.push(`${h.file}: ${h.command}`)
    }
    assert.deepEqual(offending, [])
  })

  it('the argument forms of create, invite more and reschedule confirm in a modal, and connect only fills the box', () => {
    const create = readFileSync(path.join(ROOT, 'src/vscode/conferences/create-conference.ts'), 'utf8')
    const argumentBranch = create.slice(create.indexOf("'title' in arg"), create.indexOf('MultiStepInput.run'))
    assert.match(argumentBranch.slice(0, argumentBranch.indexOf('submit(')), /confirmed\(createQuestion/)
    const commands = readFileSync(path.join(ROOT, 'src/vscode/conferences/conference-commands.ts'), 'utf8')
    const invite = commands.slice(commands.indexOf("'devmeet.inviteMore'"), commands.indexOf("'devmeet.reschedule'"))
    assert.match(invite.slice(invite.indexOf('} else {'), invite.indexOf('conferences.invite(')), /confirmed\(inviteQuestion/)
    const reschedule = commands.slice(commands.indexOf("'devmeet.reschedule'"), commands.indexOf("'devmeet.cancelConference'"))
    assert.match(reschedule.slice(reschedule.indexOf('a.start != null'), reschedule.indexOf('} else {')), /confirmed\(rescheduleQuestion/)
    const answers = commands.slice(commands.indexOf("'devmeet.acceptInvitation'"), commands.indexOf("'devmeet.inviteMore'"))
    assert.match(answers.slice(0, answers.indexOf('conferences.respond(')), /!isOurArgument\(arg\) && !await confirmed\(answerQuestion/)
    const peers = readFileSync(path.join(ROOT, 'src/vscode/peers/peer-commands.ts'), 'utf8')
    const connect = peers.slice(peers.indexOf("'devmeet.connectPeer'"), peers.indexOf("'devmeet.showPeers'"))
    assert.doesNotMatch(connect.slice(0, connect.indexOf('askText(')), /\bif\b[^\n]*\barg\b[^\n]*\breturn\b|text\s*=\s*arg\b/)
    assert.ok(connect.indexOf('askText(') < connect.indexOf('devmeet.connect('), 'connect dials only what the box returns')
  })

  it('the scan would catch the old connectPeer, which dialled an argument without asking', () => {
    const old = `reg('devmeet.connectPeer', async (arg?: unknown) => {
    let text = typeof arg === 'string' ? arg : undefined
    if (text == null) { text = await askText({}) }
    const peer = await devmeet.connect(text!)`
    // askText does come first in the text here, so the specific check is the one that catches it
    assert.match(old.slice(0, old.indexOf('askText(')), /text\s*=\s*typeof arg|\bif\b[^\n]*\barg\b/)
    const oldCreate = `if ('title' in arg) { const input = createInputFromArgs(arg); return await submit(core.api, input, reveal) }`
    assert.doesNotMatch(oldCreate.slice(0, oldCreate.indexOf('submit(')), /confirmed\(/)
  })
})

describe('localized text, the gate\'s entry point for translations', () => {
  /** A translation that moves the parts around and adds its own words, as another language may. */
  const german: Translate = key => ({
    'Connected to {0} ({1}).': 'Verbunden: ({1}) {0}.',
    'Forget {0}?': 'Vergessen: {0}?'
  } as Record<string, string>)[key] ?? key
  const localized = localizedTag(german)

  it('looks the template up with {n} where its parts go, and puts each part where the translation says', () => {
    assert.equal(localized`Connected to ${untrusted('Bob')} (${untrusted('abc123')}).`, 'Verbunden: (abc123) Bob.')
    assert.equal(localized`Nothing to translate ${3} times`, 'Nothing to translate 3 times')
  })

  it('keeps a peer\'s text inert: no link or icon syntax survives, even where the translation puts it beside a bracket', () => {
    const hostile = untrusted('[click](command:devmeet.forgetPeer) $(alert)\u202e')
    const text = localized`Forget ${hostile}?`
    assert.doesNotMatch(text, /\]\(|\$\(|\u202e/)
    const gluing = localizedTag(() => '{0}{1}')
    assert.doesNotMatch(gluing`${untrusted('[x]')}${untrusted('(command:y)')}`, /\]\(/)
  })

  it('refuses what `shown` refuses: a hand-made array, or a plain string part at run time', () => {
    assert.throws(() => (localized as any)(['a ', ''], 'x'), TypeError)
    assert.throws(() => (localized as any)(Object.freeze(Object.assign(['a ', ''], { raw: ['a ', ''] })), {}), TypeError)
    assert.equal(localized`${shown`nested`} text`, 'nested text')
  })

  it('is made in the gate through vscode.l10n', () => {
    const gate = readFileSync(path.join(ROOT, GATE), 'utf8')
    assert.match(gate, /useTranslator\(\(key, placeholderCount\) =>/)
    assert.match(gate, /vscode\.l10n\.t\(/)
    assert.match(gate, /export \{ localized\b/)
  })
})
