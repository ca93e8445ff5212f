// The chat page's HTML and webview options: one definition for a new panel, a restored one, and
// the stored-history preview that a restored panel shows until the node runs.
import * as vscode from 'vscode'
import { randomBytes } from 'node:crypto'

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
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>DevMeet chat</title>
</head>
<body>
<main>
  <div class="title-row">
    <h1 id="title" class="title"></h1>
    <div class="search" role="search">
      <input id="search" type="search" aria-label="Search messages" placeholder="Search" maxlength="200">
      <button id="search-prev" type="button" aria-label="Previous result" title="Previous result (Shift+Enter)">&#x2191;</button>
      <button id="search-next" type="button" aria-label="Next result" title="Next result (Enter)">&#x2193;</button>
      <span id="search-count" class="search-count" aria-live="polite"></span>
    </div>
    <button id="toggle-side" class="toggle-side" type="button" aria-controls="side" aria-expanded="true">Details</button>
  </div>
  <!-- Not a live region itself: new messages from others are announced, briefly, by #announcer. -->
  <section id="messages" aria-label="Messages" aria-describedby="messages-help"></section>
  <p id="messages-help" class="visually-hidden">Up and Down arrows move between messages, Home and End go to the first and the last.</p>
  <div id="announcer" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></div>
  <p id="readonly" class="readonly" hidden></p>
  <form class="composer" aria-label="Write a message">
    <textarea id="composer" aria-label="Message" rows="3" placeholder="Message (Enter sends, Shift+Enter for a new line; markdown works)"></textarea>
    <span id="counter" class="counter" aria-live="polite"></span>
  </form>
</main>
<aside id="side" aria-label="Conference details"></aside>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`
}
