// What a chat panel restored after a window reload shows until the node runs: the conference and
// its messages as stored on disk, read-only. The reader is its own small bundle
// (dist/stored-history.js), loaded on first use, so neither activate() nor this wait for libp2p.
import * as path from 'node:path'
import type * as vscode from 'vscode'
import type { StoredHistory } from '../../core/chat/stored-history'
import type { HostToWebview } from '../../shared/chat-messages'
import { parseWebviewMessage } from '../../shared/chat-messages'
import type { Logger } from '../../core/log'
import { Disposable } from '../disposable'
import { participantsOf } from './participants'
import { localized } from '../localized'

type StoredHistoryModule = typeof import('../../core/chat/stored-history')

let reader: StoredHistoryModule | undefined

/** The conference and messages on disk; undefined when there is nothing readable. */
export async function loadStoredHistory (dataDir: string, conferenceId: string, log: Logger): Promise<StoredHistory | undefined> {
  try {
    // A run-time require of the separate bundle beside dist/extension.js.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    reader ??= require(path.join(__dirname, 'stored-history.js')) as StoredHistoryModule
    return await reader.readStoredHistory(dataDir, conferenceId)
  } catch (err: any) {
    log.warn(`reading the stored chat history failed: ${err?.message ?? err}`)
    return undefined
  }
}

/** What the read-only preview says while the node starts. */
export function startingReason (): string {
  return localized`Showing the saved history; DevMeet is starting…`
}

/** Answers the page's 'ready' with the stored history until the live panel takes the page over. */
export class StoredChatPreview extends Disposable {
  /** the page asked for its content (it is loaded and listening) */
  pageReady = false
  private readonly history: Promise<StoredHistory | undefined>
  private reason = startingReason()

  constructor (private readonly panel: vscode.WebviewPanel, dataDir: string, conferenceId: string, log: Logger) {
    super()
    this.history = loadStoredHistory(dataDir, conferenceId, log)
    this._register(panel.webview.onDidReceiveMessage(raw => {
      if (parseWebviewMessage(raw)?.type !== 'ready') return
      this.pageReady = true
      void this.show()
    }))
    this._register(panel.onDidChangeViewState(e => { if (!e.webviewPanel.visible) this.pageReady = false }))
  }

  /** Whether anything was found on disk. */
  async found (): Promise<boolean> {
    return (await this.history) != null
  }

  /** Why the composer is off (the node is starting, runs in another window, failed). */
  setReason (reason: string): void {
    this.reason = reason
    if (this.pageReady) void this.show()
  }

  private async show (): Promise<void> {
    const stored = await this.history
    if (stored == null || this.isDisposed) return
    const ctx = stored.conference
    const state = { conference: ctx, me: '', participants: participantsOf(ctx, (_id, listed) => listed, '', { online: [], typing: [] }), readOnly: this.reason }
    void this.panel.webview.postMessage({ type: 'init', state, messages: stored.messages } satisfies HostToWebview)
  }
}
