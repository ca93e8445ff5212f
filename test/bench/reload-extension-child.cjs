// One window reload through the extension, in a fresh process: loads dist/extension.js (with the
// stand-in vscode module), calls activate() and then the chat panel serializer's
// deserializeWebviewPanel, as VS Code does for a chat panel open before the reload, with a
// stand-in panel whose page answers 'ready' as soon as its HTML is set. Timed from the require
// until the panel is sent its history ('init' with the messages). Not included: the workbench's
// own reload and the webview page's load in the browser. Prints one JSON line.
'use strict'
const path = require('node:path')
const { installVscode } = require('./vscode-stand-in.cjs')

const [dataDir, conferenceId, waitMs] = process.argv.slice(2)
const timeoutMs = Number(waitMs) || 20_000
const { context, serializers, repo, anything, Disposable } = installVscode(dataDir)

/** A webview panel whose page is loaded the moment its HTML is set. */
function standInPanel (onInit) {
  const listeners = new Set()
  const on = set => f => { set.add(f); return new Disposable(() => set.delete(f)) }
  const webview = {
    options: {},
    cspSource: 'vscode-resource:',
    asWebviewUri: u => u,
    onDidReceiveMessage: on(listeners),
    postMessage: async m => { if (m?.type === 'init') onInit(m); return true },
    set html (v) { this._html = v; setTimeout(() => { for (const l of listeners) l({ type: 'ready' }) }, 0) },
    get html () { return this._html ?? '' }
  }
  return new Proxy({ webview, visible: true, active: true, viewColumn: 1, title: 'Chat', onDidDispose: on(new Set()), onDidChangeViewState: on(new Set()), reveal () {}, dispose () {} },
    { get: (t, p) => p in t ? t[p] : anything(), set: (t, p, v) => { t[p] = v; return true } })
}

async function main () {
  const t0 = performance.now()
  const ext = require(path.join(repo, 'dist', 'extension.js'))
  const requireMs = performance.now() - t0
  const api = ext.activate(context)
  const serializer = serializers.get('devmeet.chat')
  if (serializer == null) throw new Error('activate() registered no chat panel serializer')
  const shown = new Promise(resolve => {
    const panel = standInPanel(m => { if (Array.isArray(m.messages) && m.messages.length > 0) resolve(m.messages.length) })
    void serializer.deserializeWebviewPanel(panel, { conferenceId })
  })
  const count = await Promise.race([shown, new Promise((resolve, reject) => setTimeout(() => reject(new Error(`no history within ${timeoutMs} ms`)), timeoutMs))])
  const ms = performance.now() - t0
  await Promise.resolve(api.ready).catch(() => {})
  await ext.deactivate()
  for (const d of context.subscriptions) { try { d.dispose?.() } catch {} }
  // activate()'s own timings (from its call): when the core was loaded and the node listened, beside ours.
  process.stdout.write(JSON.stringify({ ms, requireMs, count, activation: api.timings }) + '\n')
  process.exit(0)
}

main().catch(err => {
  process.stdout.write(JSON.stringify({ error: String((err && err.stack) || err) }) + '\n')
  process.exit(1)
})
