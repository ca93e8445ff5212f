// npm run test:exthost: the extension-host suite (test/exthost/suite, Mocha inside the extension
// host with the real `vscode` API) started by @vscode/test-electron's runTests(), in two windows on
// one profile: the second checks what survives the first one's deactivation.
//
// Which VS Code runs it (DEVMEET_VSCODE):
//   code-server       test/exthost/launcher.mjs, which runTests() starts as its vscodeExecutablePath:
//                     the suite in code-server (scripts/setup-e2e.sh) in headless Chromium
//   desktop           runTests() downloads VS Code stable into .vscode-test, as usual
//   stable, insiders, 1.101.0 …   that version, downloaded
//   /path/to/code     that executable
//   unset (auto)      code-server on Linux without a display (where Electron cannot open a
//                     window, as in CI here); elsewhere the desktop download, and code-server
//                     when that download fails (no network to update.code.visualstudio.com)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { build } from 'esbuild'
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron'
import { QUIET_WORKBENCH_SETTINGS } from '../e2e/workbench'

const ROOT = path.resolve(import.meta.dirname, '../..')
const LAUNCHER = path.join(ROOT, 'test/exthost/launcher.mjs')
// inside the extension folder: the extension host resolves `mocha` from ROOT/node_modules
const SUITE_OUT = path.join(ROOT, '.cache/exthost/suite')

interface VSCode { executable?: string, label: string }

async function chooseVSCode (): Promise<VSCode> {
  const choice = process.env.DEVMEET_VSCODE ?? 'auto'
  if (choice === 'code-server') return codeServer('DEVMEET_VSCODE=code-server')
  if (choice === 'desktop') return { label: 'VS Code stable (downloaded by runTests)' }
  if (choice === 'stable' || choice === 'insiders' || /^\d+\.\d+\.\d+$/.test(choice)) {
    return { executable: await downloadAndUnzipVSCode(choice), label: `VS Code ${choice}` }
  }
  if (choice !== 'auto') {
    if (!existsSync(choice)) throw new Error(`DEVMEET_VSCODE=${choice}: no such executable (use code-server, desktop, stable, insiders, a version, or a path)`)
    return { executable: choice, label: choice }
  }
  if (process.platform === 'linux' && process.env.DISPLAY == null && process.env.WAYLAND_DISPLAY == null) {
    return codeServer('Linux without a display')
  }
  try {
    return { executable: await downloadAndUnzipVSCode({ version: 'stable', timeout: 20_000 }), label: 'VS Code stable' }
  } catch (err: any) {
    return codeServer(`VS Code could not be downloaded (${err?.message ?? err})`)
  }
}

function codeServer (why: string): VSCode {
  // installs code-server and Chromium once; quick when they are there
  execFileSync('bash', [path.join(ROOT, 'scripts/setup-e2e.sh')], { cwd: ROOT, stdio: 'inherit' })
  return { executable: LAUNCHER, label: `code-server through ${path.relative(ROOT, LAUNCHER)} (${why})` }
}

/** The newest modification time under `dir` (ms). */
function newest (dir: string): number {
  let t = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) t = Math.max(t, statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return t
}

async function buildSuite (): Promise<void> {
  // the extension itself: built by `npm test` before; built here when missing or older than src/
  const main = path.join(ROOT, 'dist/extension.js')
  if (!existsSync(main) || !existsSync(path.join(ROOT, 'dist/peer.js')) || statSync(main).mtimeMs < newest(path.join(ROOT, 'src'))) {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' })
  }
  rmSync(SUITE_OUT, { recursive: true, force: true })
  await build({
    entryPoints: ['index', 'extension.test', 'restart.test'].map(f => path.join(ROOT, 'test/exthost/suite', `${f}.ts`)),
    outdir: SUITE_OUT,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning'
  })
}

/** The DevMeet output channel of each window (the workbench writes it under <user-data>/logs). */
function printExtensionLogs (userData: string): void {
  const logs = path.join(userData, 'logs')
  if (!existsSync(logs)) return
  for (const entry of readdirSync(logs, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name !== 'DevMeet.log') continue
    const file = path.join(entry.parentPath, entry.name)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    console.log(`\n-- ${path.relative(userData, file)} (last ${Math.min(lines.length, 40)} of ${lines.length} lines)`)
    console.log(lines.slice(-40).join('\n'))
  }
}

async function main (): Promise<void> {
  await buildSuite()
  const vscode = await chooseVSCode()
  console.log(`extension-host tests in ${vscode.label}`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-exthost-'))
  const userData = path.join(dir, 'user-data')
  const workspace = path.join(dir, 'workspace')
  mkdirSync(path.join(userData, 'User'), { recursive: true })
  mkdirSync(workspace, { recursive: true })
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({
    'devmeet.displayName': 'Exthost Tester',
    // the suite's own headless peer only: loopback, no mDNS, no public STUN servers
    'devmeet.mdns.enabled': false,
    'devmeet.listenAddresses': ['/ip4/127.0.0.1/tcp/0'],
    'devmeet.webrtc.stunServers': [],
    ...QUIET_WORKBENCH_SETTINGS
  }, null, 2))
  const started = Date.now()
  let ok = false
  try {
    for (const phase of ['first', 'second']) {
      console.log(`\n== extension-host tests, ${phase} window`)
      await runTests({
        vscodeExecutablePath: vscode.executable,
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: path.join(SUITE_OUT, 'index.js'),
        launchArgs: [workspace, `--user-data-dir=${userData}`, `--extensions-dir=${path.join(dir, 'extensions')}`, '--disable-extensions'],
        extensionTestsEnv: {
          DEVMEET_EXTHOST_PHASE: phase,
          DEVMEET_EXTHOST_STATE: path.join(dir, 'state.json'),
          DEVMEET_EXTHOST_USER_DATA: userData,
          // the headless peer's Node (the extension host's own executable may be Electron)
          DEVMEET_TEST_NODE: process.execPath
        }
      })
    }
    ok = true
  } finally {
    console.log(`extension-host tests ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    if (ok) {
      rmSync(dir, { recursive: true, force: true })
    } else {
      printExtensionLogs(userData)
      console.log(`its profile is kept in ${dir}`)
    }
  }
}

main().catch(err => {
  console.error(err?.stack ?? err)
  process.exit(1)
})
