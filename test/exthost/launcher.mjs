#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests() starts, where VS Code
// cannot be downloaded: runs the extension-host suite in code-server (installed by
// scripts/setup-e2e.sh into .cache/e2e) in Debian's headless Chromium, and exits with the suite's
// code, as VS Code does. The measured recipe is in DESIGN.md ("Extension-host tests in code-server"):
// - code-server refuses --extensionDevelopmentPath; the browser workbench reads it and
//   --extensionTestsPath from the page URL's `payload` (vscode-remote URIs), which a built
//   workbench honours only with `--vscode-option enable-smoke-test-driver`;
// - when run() settles, the workbench calls window.codeAutomationExit(code) and sends its log
//   (the extension host's console included) to window.codeAutomationLog(type, args).
// Arguments understood (the desktop ones runTests passes): a folder to open,
// --extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, --extensions-dir=,
// --disable-extensions; the others (--no-sandbox, --skip-welcome, …) mean nothing here.
// The Chromium profile (where code-server keeps SecretStorage) lives in <user-data-dir>/browser, and
// the port is kept in <user-data-dir>/code-server-port: the browser keeps the secrets per origin, so
// a second run on the same --user-data-dir sees those of the first only on the same port.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { format } from 'node:util'
import { chromium } from 'playwright-core'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const CODE_SERVER = path.join(ROOT, '.cache/e2e/cs/node_modules/.bin/code-server')
const NODE24_BIN = path.join(ROOT, '.cache/e2e/node_modules/.bin')
const CHROMIUM = process.env.DEVMEET_CHROMIUM ?? '/usr/bin/chromium'
/** The whole run: code-server's start, the workbench's, and the suite. */
const TIMEOUT_MS = Number(process.env.DEVMEET_EXTHOST_TIMEOUT_MS ?? 10 * 60_000)
/** Prints the workbench's own log lines too, not only the extension host's and the errors. */
const VERBOSE = process.env.DEVMEET_EXTHOST_VERBOSE === '1'

/**
 * The workbench's own start-up lines and the errors of its gallery and GitHub sign-in, which have
 * no network here; everything else (the suite's spec output above all) is printed.
 */
const WORKBENCH_CHATTER = new RegExp([
  '^Resolving connection token', '^Resolved connection token', '^Creating a socket', '^\\[reconnection-grace-time\\]',
  '^Updating additional builtin extensions cache', '^\\[Service Worker\\]', '^\\[AgentHost:', '^\\[AccountPolicyGate\\]',
  '^Creation of workbench contribution', 'ENOTFOUND open-vsx\\.org', "Timed out waiting for authentication provider 'github'"
].join('|'))

function parseArgs (argv) {
  const out = { developmentPaths: [], testsPath: undefined, userDataDir: undefined, extensionsDir: undefined, folder: undefined, disableExtensions: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => inline ?? argv[++i]
    switch (flag) {
      case '--extensionDevelopmentPath': out.developmentPaths.push(path.resolve(value())); break
      case '--extensionTestsPath': out.testsPath = path.resolve(value()); break
      case '--user-data-dir': out.userDataDir = path.resolve(value()); break
      case '--extensions-dir': out.extensionsDir = path.resolve(value()); break
      case '--disable-extensions': out.disableExtensions = true; break
      default:
        if (!arg.startsWith('-')) out.folder = path.resolve(arg)
    }
  }
  return out
}

/** Whether 127.0.0.1:`port` can be bound (0: any free port); resolves with the port or undefined. */
function bindable (port) {
  return new Promise(resolve => {
    const srv = net.createServer()
    srv.once('error', () => resolve(undefined))
    srv.listen(port, '127.0.0.1', () => {
      const got = srv.address().port
      srv.close(() => resolve(got))
    })
  })
}

/** The port of an earlier run on this profile when it is free, else a new one (written down). */
async function profilePort (userData) {
  const file = path.join(userData, 'code-server-port')
  const earlier = existsSync(file) ? Number(readFileSync(file, 'utf8')) : NaN
  let port = Number.isInteger(earlier) && earlier > 0 ? await bindable(earlier) : undefined
  if (port == null) {
    if (!Number.isNaN(earlier)) log(`port ${earlier} of the earlier run is taken: this run does not see its secrets`)
    port = await bindable(0)
  }
  writeFileSync(file, String(port))
  return port
}

function log (message) {
  process.stdout.write(`[code-server launcher] ${message}\n`)
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  if (args.testsPath == null || args.developmentPaths.length === 0) {
    console.error('usage: launcher.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [--extensions-dir=DIR] [FOLDER]')
    return 2
  }
  if (!existsSync(CODE_SERVER)) {
    console.error(`code-server is missing (${CODE_SERVER}): run scripts/setup-e2e.sh`)
    return 2
  }
  // what the launcher makes itself it removes; folders it was given belong to the caller
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'devmeet-exthost-cs-'))
  const userData = args.userDataDir ?? path.join(scratch, 'user-data')
  const extensions = args.extensionsDir ?? path.join(scratch, 'extensions')
  const folder = args.folder ?? path.join(scratch, 'workspace')
  for (const dir of [userData, extensions, folder]) mkdirSync(dir, { recursive: true })

  let server
  let context
  let finished = false
  const cleanUp = async () => {
    if (finished) return
    finished = true
    await context?.close().catch(() => {})
    if (server?.pid != null) {
      // code-server and the extension host it forked share its process group
      const exited = new Promise(resolve => server.exitCode != null || server.signalCode != null ? resolve() : server.once('exit', resolve))
      try { process.kill(-server.pid, 'SIGTERM') } catch {}
      const timer = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL') } catch {} }, 5000)
      await exited
      clearTimeout(timer)
      try { process.kill(-server.pid, 'SIGKILL') } catch {}
    }
    rmSync(scratch, { recursive: true, force: true })
  }
  // runTests() sends SIGINT on Ctrl+C
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { void cleanUp().then(() => process.exit(130)) })

  try {
    const port = await profilePort(userData)
    server = spawn(CODE_SERVER, [
      '--user-data-dir', userData, '--extensions-dir', extensions, '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--vscode-option', 'enable-smoke-test-driver'
    ], {
      // the environment reaches the extension host (runTests' extensionTestsEnv is in it)
      env: { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, XDG_CONFIG_HOME: path.join(userData, 'xdg-config') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    let serverOutput = ''
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${serverOutput}`)), 60_000)
      const onData = d => {
        serverOutput += d
        if (serverOutput.includes('HTTP server listening on')) { clearTimeout(timer); resolve() }
      }
      server.stdout.on('data', onData)
      server.stderr.on('data', onData)
      server.once('exit', code => { clearTimeout(timer); reject(new Error(`code-server exited (${code}):\n${serverOutput}`)) })
    })
    server.removeAllListeners('exit')
    log(`code-server ${server.pid} on 127.0.0.1:${port}`)

    const remote = p => `vscode-remote://127.0.0.1:${port}${p.split(path.sep).map(encodeURIComponent).join('/')}`
    const extensionEnvironment = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DEVMEET_')))
    const payload = [
      ...args.developmentPaths.map(p => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(args.testsPath)],
      ['extensionEnvironment', JSON.stringify(extensionEnvironment)],
      ['skipWelcome', 'true'],
      ...(args.disableExtensions ? [['disableExtensions', 'true']] : [])
    ]

    context = await chromium.launchPersistentContext(path.join(userData, 'browser'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      permissions: ['clipboard-read', 'clipboard-write'],
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync']
    })
    const page = context.pages()[0] ?? await context.newPage()
    let reportExit
    const exitCode = new Promise(resolve => { reportExit = resolve })
    await page.exposeFunction('codeAutomationExit', code => { reportExit(typeof code === 'number' ? code : 1) })
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const text = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]))
      if (VERBOSE) process.stdout.write(`[${type}] ${text}\n`)
      else if (!WORKBENCH_CHATTER.test(text)) process.stdout.write(`${text}\n`)
    })
    page.on('pageerror', err => { if (VERBOSE) log(`page error: ${err.message}`) })
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`)
    const timeout = new Promise(resolve => setTimeout(() => {
      log(`the suite did not finish within ${TIMEOUT_MS / 1000} s (no codeAutomationExit: is the smoke-test driver on?)`)
      resolve(1)
    }, TIMEOUT_MS).unref())
    return await Promise.race([exitCode, timeout])
  } finally {
    await cleanUp()
  }
}

main().then(code => process.exit(code), err => {
  console.error(err?.stack ?? err)
  process.exit(1)
})
