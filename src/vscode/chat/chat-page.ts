// The chat page's HTML and webview options: one definition for a new panel, a restored one, and
// the stored-history preview that a restored panel shows until the node runs.
import * as vscode from 'vscode'
import { randomBytes } from 'node:crypto'
import type { PageTextKey } from '../../shared/page-text'
import { pageLanguage, textOf, translatedPageTexts } from './page-texts'

export function chatWebviewOptions (extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    // Hidden panels are rebuilt from the store when shown: no need to keep them alive.
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')]
  }
}

export function chatPageHtml (webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64')
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'chat.js'))
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css'))
  const csp = `default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; img-src ${webview.cspSource}; script-src 'nonce-${nonce}';`
  // The page's words, translated here: the HTML's own, and for the script a <meta> it reads (data, not code).
  const texts = translatedPageTexts()
  const t = (key: PageTextKey): string => escapeHtml(textOf(texts, key))
  return `<!DOCTYPE html>
<html lang="${escapeHtml(pageLanguage())}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="devmeet-texts" content="${escapeHtml(JSON.stringify(texts))}">
<link rel="stylesheet" href="${style}">
<title>${t('DevMeet chat')}</title>
</head>
<body>
<main>
  <div class="title-row">
    <h1 id="title" class="title"></h1>
    <div class="search" role="search">
      <input id="search" type="search" aria-label="${t('Search messages')}" placeholder="${t('Search')}" maxlength="200">
      <button id="search-prev" type="button" aria-label="${t('Previous result')}" title="${t('Previous result (Shift+Enter)')}">&#x2191;</button>
      <button id="search-next" type="button" aria-label="${t('Next result')}" title="${t('Next result (Enter)')}">&#x2193;</button>
      <span id="search-count" class="search-count" aria-live="polite"></span>
    </div>
    <button id="toggle-side" class="toggle-side" type="button" aria-controls="side" aria-expanded="true">${t('Details')}</button>
  </div>
  <!-- Not a live region itself: new messages from others are announced, briefly, by #announcer. -->
  <section id="messages" aria-label="${t('Messages')}" aria-describedby="messages-help"></section>
  <p id="messages-help" class="visually-hidden">${t('Up and Down arrows move between messages, Home and End go to the first and the last.')}</p>
  <div id="announcer" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></div>
  <p id="readonly" class="readonly" hidden></p>
  <form class="composer" aria-label="${t('Write a message')}">
    <textarea id="composer" aria-label="${t('Message')}" rows="3" placeholder="${t('Message (Enter sends, Shift+Enter for a new line; markdown works)')}"></textarea>
    <span id="counter" class="counter" aria-live="polite"></span>
  </form>
</main>
<aside id="side" aria-label="${t('Conference details')}"></aside>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`
}

/** Text for HTML content or a double-quoted attribute. */
function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
