// A minimal stand-in for the 'vscode' module, installed through the module resolver, so the
// packaged extension (dist/extension.js) runs outside VS Code for a measurement: used by
// activate-child.cjs (start-up) and reload-extension-child.cjs (window reload → chat history).
// Plain CommonJS run by plain node, so no TypeScript loader sits in the measured require().
'use strict'
const Module = require('node:module')
const path = require('node:path')
const fs = require('node:fs')

/**
 * Installs the stand-in; `dataDir` is the extension's global storage (its data folder).
 * Returns the extension context, the log lines written to its output channel, and the webview
 * panel serializers it registered (by view type).
 */
function installVscode (dataDir) {
  const repo = path.resolve(__dirname, '..', '..')
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'))
  const defaults = {}
  for (const [k, v] of Object.entries(manifest.contributes.configuration.properties)) defaults[k.replace(/^devmeet\./, '')] = v.default
  // Loopback and no mDNS (other peers on this machine run tests); WebRTC stays at its default (on).
  const overrides = { listenAddresses: ['/ip4/127.0.0.1/tcp/0', '/webrtc'], 'mdns.enabled': false, 'log.level': 'info' }

  /** Anything: callable, constructible, every property another anything; never a thenable. */
  function anything () {
    const fn = function () { return anything() }
    return new Proxy(fn, {
      get (target, prop) {
        if (prop === 'then') return undefined
        if (prop === Symbol.toPrimitive) return () => ''
        if (prop === 'prototype') return target.prototype
        if (!(prop in target)) target[prop] = anything()
        return target[prop]
      },
      apply () { return anything() },
      construct () { return anything() }
    })
  }

  const logLines = []
  const serializers = new Map()
  class Disposable { constructor (f) { this.f = f } dispose () { this.f?.() } static from (...d) { return new Disposable(() => d.forEach(x => x?.dispose?.())) } }
  class EventEmitter { constructor () { this.l = new Set(); this.event = (f) => { this.l.add(f); return new Disposable(() => this.l.delete(f)) } } fire (v) { for (const f of this.l) f(v) } dispose () { this.l.clear() } }
  class TreeItem { constructor (label, state) { this.label = label; this.collapsibleState = state } }
  const vscode = new Proxy({
    Disposable,
    EventEmitter,
    TreeItem,
    ThemeIcon: class { constructor (id, color) { this.id = id; this.color = color } },
    ThemeColor: class { constructor (id) { this.id = id } },
    MarkdownString: class { constructor (v) { this.value = v ?? '' } appendMarkdown (v) { this.value += v; return this } appendText (v) { this.value += v; return this } },
    Uri: { file: p => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` }), joinPath: (u, ...p) => ({ fsPath: path.join(u.fsPath, ...p), path: path.join(u.fsPath, ...p) }), parse: s => ({ fsPath: s, path: s, toString: () => s }) },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    // esbuild's import interop copies own keys only: every namespace the extension touches is listed.
    commands: anything(),
    env: anything(),
    languages: anything(),
    extensions: anything(),
    // No translation loaded, as in an English workbench: each message comes back as written, so
    // the texts (and the work of making them) are real.
    l10n: { t: message => message, bundle: undefined, uri: undefined },
    QuickInputButtons: anything(),
    window: new Proxy({
      createOutputChannel: () => {
        const ch = anything()
        for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'appendLine']) ch[level] = m => logLines.push(`[${level}] ${m}`)
        return ch
      },
      showWarningMessage: async () => undefined,
      showErrorMessage: async (m) => { logLines.push(`[error message] ${m}`) },
      showInformationMessage: async () => undefined,
      registerWebviewPanelSerializer: (viewType, serializer) => { serializers.set(viewType, serializer); return new Disposable() }
    }, { get: (t, p) => p in t ? t[p] : anything() }),
    workspace: new Proxy({
      getConfiguration: () => ({
        get: (k, d) => overrides[k] ?? defaults[k] ?? d,
        inspect: k => ({ key: k, defaultValue: defaults[k], globalValue: overrides[k] }),
        has: k => k in defaults
      }),
      onDidChangeConfiguration: () => new Disposable(),
      workspaceFolders: undefined
    }, { get: (t, p) => p in t ? t[p] : anything() })
  }, { get: (t, p) => p in t ? t[p] : (p === '__esModule' ? false : anything()) })

  const resolve = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return 'vscode'
    return resolve.call(this, request, ...rest)
  }
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode }

  const secrets = new Map()
  const context = {
    subscriptions: [],
    globalStorageUri: { fsPath: dataDir, path: dataDir },
    extensionUri: { fsPath: repo, path: repo },
    extensionPath: repo,
    extension: { packageJSON: manifest, id: 'devmeet.devmeet' },
    secrets: { get: async k => secrets.get(k), store: async (k, v) => { secrets.set(k, v) }, delete: async k => { secrets.delete(k) }, onDidChange: () => new Disposable() },
    globalState: { get: (k, d) => d, update: async () => {}, keys: () => [] },
    workspaceState: { get: (k, d) => d, update: async () => {}, keys: () => [] },
    asAbsolutePath: p => path.join(repo, p)
  }
  return { context, logLines, serializers, repo, anything, Disposable }
}

module.exports = { installVscode }
