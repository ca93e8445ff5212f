// The single gate between DevMeet's text and the workbench surfaces that interpret it: the only
// module that calls showInformationMessage/showWarningMessage/showErrorMessage/setStatusBarMessage,
// showQuickPick/showInputBox, creates MarkdownString or TreeItem, or makes the output channel.
// Every function takes ShownText (see src/shared/shown-text.ts), so peer text arrives here only
// through untrusted(). test/unit/user-messages-gate.test.ts fails if any other file calls them.
import * as vscode from 'vscode'
import type { ShownText } from '../shared/shown-text'
import { localized, plural, useTranslator } from './localized'
import { logSafe, type Logger, type LogLevel } from '../core/log'

/**
 * ShownText in the user's language: `localized\`Connected to ${untrusted(name)}.\`` looks up
 * "Connected to {0}." through vscode.l10n (l10n/bundle.l10n.<locale>.json) and puts the parts in
 * where the translation says. Safe for the same reason as `shown`: the template and its
 * translations are ours, the parts were neutralized by untrusted() (see localizedTag).
 * Plain strings that are not ShownText (an input box's validation message, a progress title) go
 * through vscode.l10n.t directly.
 */
useTranslator((key, placeholderCount) =>
  // The placeholders are passed back as themselves, so the translation comes back with {0}, {1}…
  // in place, for localizedTag to fill with the neutralized parts.
  vscode.l10n.t(key, ...Array.from({ length: placeholderCount }, (_, i) => `{${i}}`)),
// Plural rules follow the language the messages are in: with no translation loaded they stay English.
vscode.l10n.bundle != null ? vscode.env.language : undefined)
/** The one localized tag (made in localized.ts, so that text modules without 'vscode' share it). */
export { localized, plural }

/** A notification. Buttons are ShownText too; the chosen one comes back. */
export function showInfo<B extends ShownText> (message: ShownText, ...buttons: B[]): Thenable<B | undefined> {
  return vscode.window.showInformationMessage(message, ...buttons) as Thenable<B | undefined>
}

export function showWarning<B extends ShownText> (message: ShownText, ...buttons: B[]): Thenable<B | undefined> {
  return vscode.window.showWarningMessage(message, ...buttons) as Thenable<B | undefined>
}

export function showError<B extends ShownText> (message: ShownText, ...buttons: B[]): Thenable<B | undefined> {
  return vscode.window.showErrorMessage(message, ...buttons) as Thenable<B | undefined>
}

/** A dialog button. */
export interface ShownButton {
  readonly title: ShownText
  readonly isCloseAffordance?: boolean
}

/** A modal warning dialog; resolves with the chosen button (or undefined when dismissed). */
export function confirmModal<B extends ShownButton> (message: ShownText, detail: ShownText | undefined, ...buttons: B[]): Thenable<B | undefined> {
  return vscode.window.showWarningMessage(message, { modal: true, ...(detail != null ? { detail } : {}) }, ...buttons)
}

/**
 * A notification that goes away by itself: shown as a notification progress (the only kind VS Code
 * lets an extension withdraw) until `until` settles or the user closes it. `message()` is asked
 * again every `refreshMs`, so that "in 2 min" does not go stale.
 */
export function showNoticeUntil (message: () => ShownText, until: Promise<unknown>, refreshMs = 30_000): Thenable<void> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true }, (progress, token) => new Promise<void>(resolve => {
    progress.report({ message: message() })
    const timer = setInterval(() => progress.report({ message: message() }), refreshMs)
    const done = (): void => { clearInterval(timer); resolve() }
    until.then(done, done)
    token.onCancellationRequested(done)
  }))
}

export function setStatusMessage (text: ShownText, hideAfterMs: number): vscode.Disposable {
  return vscode.window.setStatusBarMessage(text, hideAfterMs)
}

/**
 * A hover built from ShownText only: the text goes in through appendText (escaped), the markup
 * (bold, breaks, bullets, rules) is this builder's own. Never trusted, never HTML.
 */
export class ShownMarkdown {
  private readonly md = new vscode.MarkdownString('', false)

  constructor () {
    this.md.isTrusted = false
    this.md.supportHtml = false
  }

  text (t: ShownText): this { this.md.appendText(t); return this }
  bold (t: ShownText): this { this.md.appendMarkdown('**'); this.md.appendText(t); this.md.appendMarkdown('**'); return this }
  italic (t: ShownText): this { this.md.appendMarkdown('*'); this.md.appendText(t); this.md.appendMarkdown('*'); return this }
  /** a line break inside a paragraph */
  lineBreak (): this { this.md.appendMarkdown('  \n'); return this }
  paragraph (): this { this.md.appendMarkdown('\n\n'); return this }
  bullet (t: ShownText): this { this.md.appendMarkdown('\n- '); this.md.appendText(t); return this }
  rule (): this { this.md.appendMarkdown('\n\n---\n\n'); return this }

  build (): vscode.MarkdownString {
    return this.md
  }
}

/** A tree row whose label, description, tooltip and screen-reader label are ShownText. */
export function shownTreeItem (label: ShownText, collapsible: vscode.TreeItemCollapsibleState, opts: {
  description?: ShownText
  tooltip?: ShownText | ShownMarkdown
  accessibilityLabel?: ShownText
} = {}): vscode.TreeItem {
  const item = new vscode.TreeItem(label, collapsible)
  if (opts.description != null) item.description = opts.description
  if (opts.tooltip != null) item.tooltip = opts.tooltip instanceof ShownMarkdown ? opts.tooltip.build() : opts.tooltip
  if (opts.accessibilityLabel != null) item.accessibilityInformation = { label: opts.accessibilityLabel }
  return item
}

/** The line a tree view shows above its rows (plain text, not markdown); undefined clears it. */
export function setViewMessage (view: vscode.TreeView<unknown>, message: ShownText | undefined): void {
  view.message = message
}

/** A quick pick row: label, description and detail are ShownText (quick picks render `$(icon)`). */
export type ShownPickItem = Omit<vscode.QuickPickItem, 'label' | 'description' | 'detail'> & {
  label: ShownText
  description?: ShownText
  detail?: ShownText
}

export function pickOne<T extends ShownPickItem> (items: readonly T[], options: {
  title?: ShownText
  placeHolder?: ShownText
  matchOnDescription?: boolean
  matchOnDetail?: boolean
} = {}): Thenable<T | undefined> {
  return vscode.window.showQuickPick([...items], options)
}

export type ShownInputBoxOptions = Omit<vscode.InputBoxOptions, 'title' | 'prompt' | 'placeHolder'> & {
  title?: ShownText
  prompt?: ShownText
  placeHolder?: ShownText
}

export function askText (options: ShownInputBoxOptions): Thenable<string | undefined> {
  return vscode.window.showInputBox(options)
}

/** The output channel and a core Logger on it; each line is made one visible line (see logSafe). */
export function createOutputLog (levelSetting: () => LogLevel): { channel: vscode.LogOutputChannel, log: Logger } {
  const channel = vscode.window.createOutputChannel('DevMeet', { log: true })
  const rank: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 }
  const enabled = (l: LogLevel): boolean => rank[l] <= rank[levelSetting()]
  const log: Logger = {
    // The channel's own level (Developer: Set Log Level) drops debug lines; devmeet.log.level is the user's switch.
    debug: m => { if (enabled('debug')) channel.info(`[debug] ${logSafe(m)}`) },
    info: m => { if (enabled('info')) channel.info(logSafe(m)) },
    warn: m => { if (enabled('warn')) channel.warn(logSafe(m)) },
    error: m => { if (enabled('error')) channel.error(logSafe(m)) }
  }
  return { channel, log }
}
