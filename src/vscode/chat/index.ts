import * as vscode from 'vscode'
import * as os from 'node:os'
import * as path from 'node:path'
import type { DevMeetHost } from '../host'
import type { ConferenceView } from '../../core/api'
import { Disposable, toDisposable } from '../disposable'
import { requireCore, whenCoreLoaded } from '../core-access'
import { conferenceIdOf, isOurArgument, occurrenceOf } from '../command-args'
import { pickConference } from '../conferences/conference-picker'
import { ChatPanels, CHAT_VIEW_TYPE } from './chat-panel'
import type { ChatUnread } from './unread-tracker'
import { transcriptMarkdown } from '../../shared/transcript'
import { safeFileName } from '../../shared/file-name'
import { formatInputTime } from '../../shared/time'
import { untrusted, type ShownText } from '../../shared/shown-text'
import { errorShown, startingText } from '../notification-texts'
import { ConferenceReminders } from './reminders'
import { localized, showError, showInfo } from '../user-messages'

const DAY_MS = 24 * 60 * 60_000

const noConference = (): ShownText => localized`No conference to choose from.`

function running (v: ConferenceView, now: number): boolean {
  return v.context.status !== 'cancelled' && v.context.start - 15 * 60_000 <= now && now <= v.context.start + v.context.durationMinutes * 60_000
}

/** The chat panels, their commands, and what happens at reminder and start times. */
export class ChatUi extends Disposable {
  private readonly panels: ChatPanels

  constructor (private readonly host: DevMeetHost, unread: ChatUnread) {
    super()
    const panels = this.panels = this._register(new ChatPanels(host, unread))
    this._register(vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => panels.restore(panel, state)
    }))
    const reg = (id: string, fn: (...args: any[]) => unknown): void => { this._register(vscode.commands.registerCommand(id, fn)) }
    reg('devmeet.openChat', (arg?: unknown) => this.openChat(arg))
    reg('devmeet.shareSelection', () => this.shareSelection())
    reg('devmeet.exportTranscript', (arg?: unknown) => this.exportTranscript(arg))
    whenCoreLoaded(host, devmeet => {
      const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('devmeet')
      devmeet.setReminderMinutes(settings().get<number>('reminderMinutes') ?? 5)
      this._register(vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('devmeet.reminderMinutes')) devmeet.setReminderMinutes(settings().get<number>('reminderMinutes') ?? 5)
      }))
      this._register(new ConferenceReminders(devmeet, () => settings().get<number>('reminderMinutes') ?? 5, () => settings().get<boolean>('chat.openAutomatically') ?? true))
      this._register(toDisposable(devmeet.events.on('conference:start', v => {
        if (settings().get<boolean>('chat.openAutomatically') ?? true) {
          // A series' start names its occurrence: that occurrence's chat opens.
          void panels.open(v.context.id, { preserveFocus: true, occurrence: v.occurrence?.occurrence })
        } else {
          const openChat = localized`Open Chat`
          void showInfo(startingText(v), openChat).then(choice => {
            if (choice === openChat) void panels.open(v.context.id, { occurrence: v.occurrence?.occurrence })
          })
        }
      })))
    })
  }

  private async openChat (arg: unknown): Promise<void> {
    const devmeet = await requireCore(this.host, 'loaded')
    if (devmeet == null) return
    const now = Date.now()
    const id = conferenceIdOf(arg) ?? await pickConference(devmeet, {
      filter: v => running(v, now) || v.context.start < now,
      placeHolder: localized`Open the chat of which conference?`,
      none: noConference(),
      takeSoleChoice: true
    })
    // A meeting's row in the Conferences view opens that meeting's chat; any other argument, the one now or next.
    if (id != null) await this.panels.open(id, { occurrence: isOurArgument(arg) ? occurrenceOf(arg) : undefined })
  }

  private async shareSelection (): Promise<void> {
    const editor = vscode.window.activeTextEditor
    if (editor == null || editor.selection.isEmpty) {
      void showInfo(localized`Select some code first.`)
      return
    }
    const devmeet = await requireCore(this.host, 'loaded')
    if (devmeet == null) return
    const me = devmeet.peerId
    const now = Date.now()
    const id = await pickConference(devmeet, {
      filter: v => running(v, now) && me != null && devmeet.conferences.participants(v.context.id).includes(me),
      placeHolder: localized`Share the selection in which conference?`,
      none: noConference(),
      takeSoleChoice: true
    })
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
      await this.panels.open(id, { preserveFocus: true })
    } catch (err: any) {
      void showError(localized`Not shared: ${errorShown(err)}`)
    }
  }

  private async exportTranscript (arg: unknown): Promise<void> {
    const devmeet = await requireCore(this.host, 'loaded')
    if (devmeet == null) return
    const id = conferenceIdOf(arg) ?? await pickConference(devmeet, {
      filter: () => true,
      placeHolder: localized`Export the transcript of which conference?`,
      none: noConference(),
      takeSoleChoice: true
    })
    if (id == null) return
    const view = devmeet.conferences.get(id)
    if (view == null) return
    // A meeting's row in the Conferences view exports that meeting's transcript: its own messages,
    // under its own start and duration (a moved one's new time).
    const occurrence = isOurArgument(arg) ? occurrenceOf(arg) : undefined
    const meeting = occurrence == null
      ? undefined
      : devmeet.conferences.occurrences(id, occurrence - 40 * DAY_MS, occurrence + 40 * DAY_MS).find(o => o.occurrence === occurrence)
    const context = meeting == null ? view.context : { ...view.context, start: meeting.start, durationMinutes: meeting.durationMinutes }
    const messages = await devmeet.chat.history(id, meeting?.occurrence)
    // Where to write comes only from the save dialog: the command takes no path argument. With no
    // folder open it suggests the home folder (a bare file name would land in the drive's root).
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir())
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Transcript'),
      defaultUri: vscode.Uri.joinPath(folder, safeFileName(meeting == null ? view.context.title : `${view.context.title} ${formatInputTime(meeting.start).slice(0, 10)}`, 'md', 'transcript')),
      filters: { [vscode.l10n.t('Markdown')]: ['md'] }
    })
    if (target == null) return
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(transcriptMarkdown(context, messages)))
    void showInfo(localized`Transcript saved: ${untrusted(target.fsPath, 500)}`)
  }
}
