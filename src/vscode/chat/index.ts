import * as vscode from 'vscode'
import * as path from 'node:path'
import type { DevMeetHost } from '../host'
import type { ConferenceView } from '../../core/api'
import { ChatPanels, CHAT_VIEW_TYPE } from './chat-panel'
import { transcriptMarkdown } from '../../shared/transcript'
import { shown, untrusted, type ShownText } from '../../shared/shown-text'
import { errorShown, reminderText, startingText, titleOf } from '../notification-texts'
import { pickOne, showError, showInfo } from '../user-messages'

const OPEN_CHAT = shown`Open Chat`

/** Accepts a tree row ({conferenceId}), a ConferenceView, or an id. */
function conferenceIdOf (arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg
  if (arg != null && typeof arg === 'object') {
    const a = arg as { conferenceId?: unknown, context?: { id?: unknown } }
    if (typeof a.conferenceId === 'string') return a.conferenceId
    if (typeof a.context?.id === 'string') return a.context.id
  }
  return undefined
}

function running (v: ConferenceView, now: number): boolean {
  return v.context.status !== 'cancelled' && v.context.start - 15 * 60_000 <= now && now <= v.context.start + v.context.durationMinutes * 60_000
}

async function pickConference (host: DevMeetHost, title: ShownText, filter: (v: ConferenceView) => boolean): Promise<string | undefined> {
  const devmeet = await host.ready
  const choices = devmeet.conferences.list().filter(filter)
  if (choices.length === 0) {
    void showInfo(shown`No conference to choose from.`)
    return undefined
  }
  if (choices.length === 1) return choices[0].context.id
  const picked = await pickOne(choices.map(v => ({
    label: shown`${titleOf(v)}`,
    description: shown`${untrusted(new Date(v.context.start).toLocaleString())}`,
    id: v.context.id
  })), { title })
  return picked?.id
}

/** Registers the chat panel, its commands and what happens at reminder and start times. */
export function registerChatUi (host: DevMeetHost): void {
  const panels = new ChatPanels(host)
  const subs = host.context.subscriptions
  subs.push(vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, {
    deserializeWebviewPanel: (panel, state) => panels.restore(panel, state)
  }))

  subs.push(vscode.commands.registerCommand('devmeet.openChat', async (arg?: unknown) => {
    const now = Date.now()
    const id = conferenceIdOf(arg) ?? await pickConference(host, shown`Open the chat of which conference?`, v => running(v, now) || v.context.start < now)
    if (id != null) await panels.open(id)
  }))

  subs.push(vscode.commands.registerCommand('devmeet.shareSelection', async () => {
    const editor = vscode.window.activeTextEditor
    if (editor == null || editor.selection.isEmpty) {
      void showInfo(shown`Select some code first.`)
      return
    }
    const devmeet = await host.ready
    const me = devmeet.peerId
    const now = Date.now()
    const id = await pickConference(host, shown`Share the selection in which conference?`, v => running(v, now) && me != null && devmeet.conferences.participants(v.context.id).includes(me))
    if (id == null) return
    const doc = editor.document
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)
    const rel = folder != null ? path.posix.relative(folder.uri.path, doc.uri.path) : path.posix.basename(doc.uri.path)
    const sel = editor.selection
    const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1
    try {
      await devmeet.chat.send(id, {
        kind: 'code',
        body: doc.getText(sel),
        code: { path: rel, startLine: sel.start.line + 1, endLine, languageId: doc.languageId }
      })
      await panels.open(id, { preserveFocus: true })
    } catch (err: any) {
      void showError(shown`Not shared: ${errorShown(err)}`)
    }
  }))

  subs.push(vscode.commands.registerCommand('devmeet.exportTranscript', async (arg?: unknown) => {
    const devmeet = await host.ready
    const id = conferenceIdOf(arg) ?? await pickConference(host, shown`Export the transcript of which conference?`, () => true)
    if (id == null) return
    const view = devmeet.conferences.get(id)
    if (view == null) return
    const messages = await devmeet.chat.history(id)
    // Where to write comes only from the save dialog: the command takes no path argument.
    const target = await vscode.window.showSaveDialog({
      title: 'Export Transcript',
      defaultUri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', `${view.context.title.replace(/[^\w.-]+/g, '-').slice(0, 60)}.md`)),
      filters: { Markdown: ['md'] }
    })
    if (target == null) return
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(transcriptMarkdown(view.context, messages)))
    void showInfo(shown`Transcript saved: ${untrusted(target.fsPath, 500)}`)
  }))

  void host.ready.then(devmeet => {
    const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('devmeet')
    devmeet.setReminderMinutes(settings().get<number>('reminderMinutes') ?? 5)
    subs.push(vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('devmeet.reminderMinutes')) devmeet.setReminderMinutes(settings().get<number>('reminderMinutes') ?? 5)
    }))
    const offReminder = devmeet.events.on('conference:reminder', v => {
      void showInfo(reminderText(v, Date.now()), OPEN_CHAT).then(choice => {
        if (choice === OPEN_CHAT) void panels.open(v.context.id)
      })
    })
    const offStart = devmeet.events.on('conference:start', v => {
      if (settings().get<boolean>('chat.openAutomatically') ?? true) {
        void panels.open(v.context.id, { preserveFocus: true })
      } else {
        void showInfo(startingText(v), OPEN_CHAT).then(choice => {
          if (choice === OPEN_CHAT) void panels.open(v.context.id)
        })
      }
    })
    subs.push({ dispose: offReminder }, { dispose: offStart })
  }, () => {})
}
