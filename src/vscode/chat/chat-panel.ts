import * as vscode from 'vscode'
import type { DevMeet } from '../../core/devmeet'
import type { ChatMessage, ConferenceView, Occurrence } from '../../core/api'
import { formatShort } from '../../shared/time'
import type { DevMeetHost } from '../host'
import { Disposable, toDisposable } from '../disposable'
import { requireCore } from '../core-access'
import {
  parseWebviewMessage, isOpenableLink, resolveInWorkspace, type HostToWebview, type PanelState
} from '../../shared/chat-messages'
import { shownNames } from '../../core/shown-names'
import { shown, untrusted } from '../../shared/shown-text'
import { unreadLabel } from '../../shared/unread'
import { linkRefusedText, notInWorkspaceText, openLinkQuestion } from '../notification-texts'
import { confirmModal, localized, showInfo, showWarning } from '../user-messages'
import { realFileInWorkspace } from './workspace-file'
import { chatPageHtml, chatWebviewOptions } from './chat-page'
import { participantsOf } from './participants'
import { TypingShown } from './typing-shown'
import { StoredChatPreview } from './stored-preview'
import { followUntilKnown } from './restore-follow'
import type { ChatUnread } from './unread-tracker'
import { chatInputFor } from './chat-actions'
import { MentionNotifier } from './mention-notifier'

export const CHAT_VIEW_TYPE = 'devmeet.chat'
/** An occurrence is moved at most 31 days (recurrence.ts): it is looked for this far around the start the rule gives it. */
const OCCURRENCE_SEARCH_MS = 32 * 24 * 60 * 60_000

/**
 * One chat panel per conference, and per occurrence of a series (each occurrence has its own
 * transcript, docs/RECURRING.md): re-opening reveals it. Disposing closes them all.
 */
export class ChatPanels extends Disposable {
  /** by panelKey(conference, occurrence) */
  private readonly panels = new Map<string, ChatPanel>()
  /** restored panels that show the stored history until the node knows their conference, by panelKey */
  private readonly restoring = new Map<string, vscode.WebviewPanel>()

  constructor (private readonly host: DevMeetHost, private readonly unread: ChatUnread) {
    super()
    this._register(toDisposable(() => { for (const chat of [...this.panels.values()]) chat.panel.dispose() }))
    unread.setSeen(id => this.anySeen(id))
    this._register(new MentionNotifier(host, id => this.anySeen(id), id => { void this.open(id) }))
  }

  /**
   * Opens (or reveals) the chat beside the editor without taking the focus from typing. A series
   * opens the chat of `occurrence`, by default the occurrence now or next.
   */
  async open (conferenceId: string, opts: { preserveFocus?: boolean, occurrence?: number } = {}): Promise<void> {
    const restoring = this.restoring.get(panelKey(conferenceId, opts.occurrence)) ?? (opts.occurrence == null ? this.restoringOf(conferenceId) : undefined)
    if (restoring != null) {
      restoring.reveal(undefined, opts.preserveFocus ?? false)
      return
    }
    const devmeet = await requireCore(this.host, 'loaded')
    if (devmeet == null) return
    const occurrence = opts.occurrence ?? devmeet.conferences.occurrenceAt(conferenceId, Date.now())
    const existing = this.panels.get(panelKey(conferenceId, occurrence))?.panel
    if (existing != null) {
      existing.reveal(undefined, opts.preserveFocus ?? false)
      return
    }
    const view = devmeet.conferences.get(conferenceId)
    if (view == null) {
      void showWarning(localized`DevMeet does not know that conference.`)
      return
    }
    const panel = vscode.window.createWebviewPanel(CHAT_VIEW_TYPE, untrusted(view.context.title, 120), {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: opts.preserveFocus ?? false
    }, chatWebviewOptions(this.host.context.extensionUri))
    this.adopt(panel, devmeet, conferenceId, false, occurrence)
  }

  /**
   * Restores a panel after a window reload (its state holds only the conference id). The page
   * shows the history stored on disk at once; the live panel takes it over once the node knows
   * the conference. Returns without waiting for the core.
   */
  async restore (panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const conferenceId = typeof (state as any)?.conferenceId === 'string' ? (state as any).conferenceId as string : undefined
    // A series' panel saved its occurrence with the page: the same occurrence's chat comes back.
    const saved: unknown = (state as any)?.occurrence
    const occurrence = typeof saved === 'number' && Number.isSafeInteger(saved) ? saved : undefined
    const key = conferenceId == null ? undefined : panelKey(conferenceId, occurrence)
    if (conferenceId == null || key == null || this.panels.has(key) || this.restoring.has(key)) {
      panel.dispose()
      return
    }
    const ext = this.host.context.extensionUri
    panel.webview.options = chatWebviewOptions(ext)
    panel.iconPath = vscode.Uri.joinPath(ext, 'media', 'devmeet.svg')
    const preview = new StoredChatPreview(panel, this.host.context.globalStorageUri.fsPath, conferenceId, this.host.log)
    panel.webview.html = chatPageHtml(panel.webview, ext)
    this.restoring.set(key, panel)
    const forget = panel.onDidDispose(() => { preview.dispose(); this.restoring.delete(key) })
    const release = (): void => { forget.dispose(); preview.dispose(); this.restoring.delete(key) }
    this.host.ready.then(devmeet => { followUntilKnown(devmeet, conferenceId, panel, preview, release, pageShown => this.adopt(panel, devmeet, conferenceId, pageShown, occurrence ?? devmeet.conferences.occurrenceAt(conferenceId, Date.now()))) }, () => {
      preview.setReason(localized`DevMeet failed to load; this is the saved history.`)
    })
  }

  /** Whether a chat of the conference (of any of its occurrences) is open. */
  has (conferenceId: string): boolean {
    return [...this.panels.values()].some(chat => chat.conferenceId === conferenceId)
  }

  private restoringOf (conferenceId: string): vscode.WebviewPanel | undefined {
    for (const [key, panel] of this.restoring) if (key === conferenceId || key.startsWith(`${conferenceId}@`)) return panel
    return undefined
  }

  private anySeen (conferenceId: string): boolean {
    return [...this.panels.values()].some(chat => chat.conferenceId === conferenceId && chat.seen())
  }

  /**
   * `pageShown`: the page is loaded already (the stored-history preview's); it is not reloaded.
   * A panel restored after a reload shows the occurrence its page saved (one saved before
   * occurrences had panels: the occurrence now or next).
   */
  private adopt (panel: vscode.WebviewPanel, devmeet: DevMeet, conferenceId: string, pageShown: boolean, occurrence: number | undefined): void {
    const key = panelKey(conferenceId, occurrence)
    const chat = new ChatPanel(panel, devmeet, conferenceId, this.host, this.unread, pageShown, occurrence)
    this.panels.set(key, chat)
    chat.onClosed(() => { if (this.panels.get(key) === chat) this.panels.delete(key) })
  }
}

function panelKey (conferenceId: string, occurrence: number | undefined): string {
  return occurrence == null ? conferenceId : `${conferenceId}@${occurrence}`
}

/** One open chat: its webview and the core events it follows, all released when the panel closes. */
class ChatPanel extends Disposable {
  private ready = false
  private readonly typing = new TypingShown()

  constructor (
    readonly panel: vscode.WebviewPanel,
    private readonly devmeet: DevMeet,
    readonly conferenceId: string,
    private readonly host: DevMeetHost,
    private readonly unread: ChatUnread,
    pageShown: boolean,
    /** a series: the occurrence whose transcript this panel shows */
    private readonly occurrence?: number
  ) {
    super()
    this.showTitle()
    this._register(unread.onDidChange(id => { if (id === conferenceId) this.showTitle() }))
    this._register(vscode.window.onDidChangeWindowState(() => this.readIfSeen()))
    panel.iconPath = vscode.Uri.joinPath(host.context.extensionUri, 'media', 'devmeet.svg')
    if (pageShown) void this.onMessage({ type: 'ready' })
    else panel.webview.html = chatPageHtml(panel.webview, host.context.extensionUri)
    this._register(panel.webview.onDidReceiveMessage(raw => { void this.onMessage(raw) }))
    this._register(panel.onDidChangeViewState(e => {
      // A hidden webview loses its page; it asks for everything again with 'ready' when shown.
      if (!e.webviewPanel.visible) this.ready = false
      this.readIfSeen()
    }))
    this._register(panel.onDidDispose(() => this.dispose()))
    const events = devmeet.events
    this._register(toDisposable(events.on('message', m => {
      if (m.conferenceId !== conferenceId || !this.showsHere(m)) return
      this.post({ type: 'message', message: m })
      this.typing.presence(this.devmeet.chat.presence(conferenceId).typing)
      this.typing.messageFrom(m.author)
      this.postState()
    })))
    this._register(toDisposable(events.on('message:status', s => { if (s.conferenceId === conferenceId) this.post({ type: 'status', author: s.author, seq: s.seq, pending: s.pending }) })))
    this._register(toDisposable(events.on('presence', p => {
      if (p.conferenceId !== conferenceId) return
      this.typing.presence(p.typing)
      this.postState()
    })))
    this._register(toDisposable(events.on('conference:update', v => {
      if (v.context.id !== conferenceId) return
      this.showTitle()
      this.postState()
    })))
    void devmeet.chat.join(conferenceId)
  }

  /**
   * A series' panel shows its occurrence's messages; a reaction, edit or delete goes to every
   * panel of the conference, and the page applies it where it holds the target.
   */
  private showsHere (m: ChatMessage): boolean {
    if (this.occurrence == null || m.kind === 'reaction' || m.kind === 'edit' || m.kind === 'delete') return true
    return m.occurrence === this.occurrence
  }

  /** This panel's occurrence as it is now (moved, cancelled), if a series. */
  private shownOccurrence (): Occurrence | undefined {
    const at = this.occurrence
    if (at == null) return undefined
    return this.devmeet.conferences.occurrences(this.conferenceId, at - OCCURRENCE_SEARCH_MS, at + OCCURRENCE_SEARCH_MS).find(o => o.occurrence === at)
  }

  /** Whether the user is looking at this chat now: its tab in front, active, in a focused window. */
  seen (): boolean {
    return this.panel.visible && this.panel.active && vscode.window.state.focused
  }

  private readIfSeen (): void {
    // Only once the page holds the messages: its "New messages" divider is placed from the count.
    if (this.ready && this.seen()) this.unread.read(this.conferenceId)
  }

  /** The tab title with the unread count first: "(3) Sync". */
  private showTitle (): void {
    const named = untrusted(this.devmeet.conferences.get(this.conferenceId)?.context.title ?? this.panel.title, 120)
    const count = this.unread.count(this.conferenceId)
    const occurrence = this.shownOccurrence()
    // Each occurrence's panel is told apart by its start: "Stand-up · Tue 14:00".
    const title = occurrence == null ? shown`${named}` : shown`${named} · ${untrusted(formatShort(occurrence.start, Date.now()), 80)}`
    this.panel.title = count > 0 ? localized`(${untrusted(unreadLabel(count))}) ${title}` : shown`${title}`
  }

  /** Runs `closed` once the panel is closed (by the user or by disposing its owner). */
  onClosed (closed: () => void): void {
    this._register(toDisposable(closed))
  }

  private post (msg: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(msg)
  }

  private state (view: ConferenceView): PanelState {
    const me = this.devmeet.peerId ?? ''
    const presence = this.devmeet.chat.presence(this.conferenceId)
    const occurrence = this.shownOccurrence()
    // A series' panel shows its occurrence's start and duration beside the chat.
    const ctx = occurrence == null ? view.context : { ...view.context, start: occurrence.start, durationMinutes: occurrence.durationMinutes }
    // The same names as on the messages: my petname first, colliding names set apart by more of the peer ID.
    const names = shownNames(ctx, {
      me,
      myName: this.devmeet.displayName,
      petname: id => this.devmeet.contacts.get(id)?.petname,
      ownName: id => this.devmeet.contacts.get(id)?.displayName
    })
    const nameOf = (id: string, listed: string): string => names.get(id) ?? listed
    const participants = participantsOf(ctx, nameOf, me, { online: presence.online, typing: this.typing.shown(presence.typing) })
    let readOnly: string | undefined
    if (ctx.status === 'cancelled') readOnly = localized`This conference was cancelled; its chat is read-only.`
    else if (!this.devmeet.conferences.participants(this.conferenceId).includes(me)) readOnly = localized`Accept the invitation to write in this chat.`
    else if (occurrence != null && occurrence.start + occurrence.durationMinutes * 60_000 <= Date.now()) readOnly = localized`This occurrence is over; its chat is read-only. Write in the chat of the next one.`
    else if (this.devmeet.status.state !== 'running') readOnly = localized`The DevMeet node is not running in this window.`
    return { conference: ctx, me, participants, readOnly, ...(this.occurrence != null ? { occurrence: this.occurrence } : {}) }
  }

  private postState (): void {
    const view = this.devmeet.conferences.get(this.conferenceId)
    if (view != null) this.post({ type: 'state', state: this.state(view) })
  }

  private async onMessage (raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw)
    if (msg == null) {
      this.host.log.warn('chat panel: ignored a message of unknown shape from the webview')
      return
    }
    switch (msg.type) {
      case 'ready': {
        this.ready = true
        const view = this.devmeet.conferences.get(this.conferenceId)
        if (view == null) return
        const messages = await this.devmeet.chat.history(this.conferenceId, this.occurrence)
        const firstUnread = this.unread.firstUnread(this.conferenceId)
        await this.panel.webview.postMessage({ type: 'init', state: this.state(view), messages, ...(firstUnread != null ? { firstUnread } : {}) } satisfies HostToWebview)
        this.readIfSeen()
        return
      }
      case 'send':
      case 'react':
      case 'edit':
      case 'delete':
        try {
          const view = this.devmeet.conferences.get(this.conferenceId)
          const others = view == null ? [] : this.state(view).participants.filter(p => p.peerId !== this.devmeet.peerId)
          await this.devmeet.chat.send(this.conferenceId, chatInputFor(msg, others))
        } catch (err: any) {
          this.post({ type: 'error', text: localized`Not sent: ${untrusted(err?.message ?? err, 300)}` })
        }
        return
      case 'typing':
        this.devmeet.chat.setTyping(this.conferenceId, msg.typing)
        return
      case 'openLink':
        await openLink(msg.href)
        return
      case 'openCode': {
        const m = (await this.devmeet.chat.history(this.conferenceId)).find(x => x.author === msg.author && x.seq === msg.seq)
        if (m != null) await openCode(m)
      }
    }
  }
}

async function openLink (href: string): Promise<void> {
  if (!isOpenableLink(href)) {
    void showWarning(linkRefusedText(href))
    return
  }
  const open = { title: localized`Open` }
  const choice = await confirmModal(openLinkQuestion(href), undefined, open)
  if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(href, true))
}

/** Opens a shared code range in this workspace when the file exists here. */
export async function openCode (m: ChatMessage): Promise<void> {
  if (m.code == null) return
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = await fileInFolder(folder.uri, m.code.path)
    if (uri == null) continue
    const doc = await vscode.workspace.openTextDocument(uri)
    const start = Math.max(0, m.code.startLine - 1)
    const end = Math.max(start, m.code.endLine - 1)
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, 0, end, doc.lineAt(Math.min(end, doc.lineCount - 1)).text.length), viewColumn: vscode.ViewColumn.One })
    return
  }
  void showInfo(notInWorkspaceText(m.code.path))
}

/**
 * The file a code path names inside one workspace folder, only when it really is inside it: on a
 * disk this extension host can read (a local or this remote's folder) by real path, every symlink
 * followed; elsewhere (a virtual file system) no part of the path may be a symlink.
 */
async function fileInFolder (folder: vscode.Uri, relative: string): Promise<vscode.Uri | undefined> {
  const onThisDisk = folder.scheme === 'file' || (folder.scheme === 'vscode-remote' && vscode.env.remoteName != null)
  if (onThisDisk) {
    const real = await realFileInWorkspace(folder.fsPath, relative)
    return real == null ? undefined : vscode.Uri.file(real)
  }
  const resolved = resolveInWorkspace(folder.path, relative)
  if (resolved == null) return undefined
  const base = folder.path.replace(/\/+$/, '')
  let at = base
  for (const part of resolved.slice(base.length + 1).split('/')) {
    at = `${at}/${part}`
    try {
      const stat = await vscode.workspace.fs.stat(folder.with({ path: at }))
      if ((stat.type & vscode.FileType.SymbolicLink) !== 0) return undefined
    } catch {
      return undefined
    }
  }
  return folder.with({ path: resolved })
}
