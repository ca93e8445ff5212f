// A real VS Code workbench for the e2e tests: code-server (from .cache/e2e, see scripts/setup-e2e.sh)
// with the packaged devmeet.vsix installed, driven in Debian's headless Chromium by playwright-core.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { chromium, type BrowserContext, type Page, type Frame } from 'playwright-core'

const ROOT = path.resolve(import.meta.dirname, '../..')
const CODE_SERVER = path.join(ROOT, '.cache/e2e/cs/node_modules/.bin/code-server')
const NODE24_BIN = path.join(ROOT, '.cache/e2e/node_modules/.bin')
export const VSIX = path.join(ROOT, 'devmeet.vsix')
export const ARTIFACTS = path.join(ROOT, 'test-artifacts')

export interface Workbench {
  name: string
  page: Page
  context: BrowserContext
  dir: string
  url: string
  server: ChildProcess
  close(): Promise<void>
}

/** A workbench without start-up editors, tips, trust prompts, AI features, updates and telemetry (also test/exthost/run.ts). */
export const QUIET_WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  // code-server forwards every port a process here listens on (libp2p nodes do): its notice would cover the screenshots
  'remote.autoForwardPorts': false,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off'
}

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/**
 * Starts code-server with its own user-data and extensions folders, installs the .vsix, and opens
 * it in its own Chromium profile. In code-server, SecretStorage lives in the browser profile, so
 * each workbench keeps its own persistent profile: the peer key survives a page reload.
 */
export async function openWorkbench (name: string, settings: Record<string, unknown>): Promise<Workbench> {
  if (!existsSync(CODE_SERVER)) throw new Error('code-server is missing: run scripts/setup-e2e.sh')
  if (!existsSync(VSIX)) throw new Error('devmeet.vsix is missing: run npm run package')
  const dir = mkdtempSync(path.join(os.tmpdir(), `devmeet-e2e-${name}-`))
  const userData = path.join(dir, 'user-data')
  const extensions = path.join(dir, 'extensions')
  const workspace = path.join(dir, 'workspace')
  mkdirSync(path.join(userData, 'User'), { recursive: true })
  mkdirSync(workspace, { recursive: true })
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...QUIET_WORKBENCH_SETTINGS, ...settings }, null, 2))
  const env = { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}` }
  execFileSync(CODE_SERVER, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', VSIX], { env, stdio: 'pipe' })
  const port = await freePort()
  const server = spawn(CODE_SERVER, [
    '--user-data-dir', userData, '--extensions-dir', extensions, '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace
  ], { env: { ...env, XDG_CONFIG_HOME: path.join(dir, 'config') }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  server.stdout!.on('data', d => { output += d })
  server.stderr!.on('data', d => { output += d })
  await waitFor(`${name}'s code-server to listen`, () => output.includes('HTTP server listening'), 60_000)
  const context = await chromium.launchPersistentContext(path.join(dir, 'browser'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync']
  })
  const page = context.pages()[0] ?? await context.newPage()
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`
  await page.goto(url)
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 })
  return {
    name,
    page,
    context,
    dir,
    url,
    server,
    async close () {
      await context.close().catch(() => {})
      try { process.kill(-server.pid!, 'SIGKILL') } catch {}
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export async function waitFor (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** Opens the DevMeet view container from the activity bar. */
export async function openDevMeetView (wb: Workbench): Promise<void> {
  const item = wb.page.locator('.activitybar [aria-label="DevMeet"]').first()
  await item.waitFor({ timeout: 60_000 })
  const expanded = await wb.page.locator('.pane-header[aria-label^="Peers"]').count()
  if (expanded === 0) await item.click()
  await wb.page.locator('.pane-header[aria-label^="Peers"]').first().waitFor({ timeout: 30_000 })
}

/** The DevMeet status bar item's accessible label, e.g. "DevMeet: 1 peer connected". */
export async function statusLabel (wb: Workbench): Promise<string> {
  const item = wb.page.locator('.statusbar-item [aria-label^="DevMeet:"], .statusbar-item[aria-label^="DevMeet:"]').first()
  if (await item.count() === 0) return ''
  return (await item.getAttribute('aria-label')) ?? ''
}

/** Runs a command from the command palette by its title, e.g. "DevMeet: Copy My Address". */
export async function runCommand (wb: Workbench, title: string): Promise<void> {
  await wb.page.keyboard.press('F1')
  const input = wb.page.locator('.quick-input-widget input').first()
  await input.waitFor({ timeout: 15_000 })
  await input.fill(`>${title}`)
  await wb.page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 })
  await wb.page.waitForTimeout(300)
  await wb.page.keyboard.press('Enter')
}

/**
 * Connects `from` to `to` as a user would without mDNS: "DevMeet: Copy My Address" on `to`,
 * read from its clipboard, pasted into "DevMeet: Connect to Peer…" on `from`.
 */
export async function connectByAddress (from: Workbench, to: Workbench): Promise<void> {
  await runCommand(to, 'DevMeet: Copy My Address')
  await waitFor(`${to.name}'s address on the clipboard`, async () => (await to.page.evaluate(() => navigator.clipboard.readText().catch(() => ''))).startsWith('12D3KooW'))
  const address = await to.page.evaluate(() => navigator.clipboard.readText())
  await runCommand(from, 'DevMeet: Connect to Peer…')
  await answerInput(from, address)
}

/** Answers the open input box or quick pick with `text` and Enter. */
export async function answerInput (wb: Workbench, text: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget:not(.hidden) input').first()
  await input.waitFor({ timeout: 15_000 })
  await input.fill(text)
  await wb.page.waitForTimeout(200)
  await wb.page.keyboard.press('Enter')
}

/** The labels of the rows of a view's tree, e.g. treeRows(wb, 'Peers'). */
export async function treeRows (wb: Workbench, view: string): Promise<string[]> {
  const pane = wb.page.locator('.pane', { has: wb.page.locator(`.pane-header[aria-label^="${view}"]`) })
  return await pane.locator('.monaco-list-row').evaluateAll(rows => rows.map(r => r.getAttribute('aria-label') ?? r.textContent ?? ''))
}

/**
 * Takes one of the README's screenshots: into media/ with DEVMEET_UPDATE_SCREENSHOTS=1, otherwise
 * into test-artifacts/, so that a test run leaves the tracked files as they are.
 */
export async function readmeScreenshot (wb: Workbench, name: string): Promise<void> {
  const dir = process.env.DEVMEET_UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'media') : ARTIFACTS
  mkdirSync(dir, { recursive: true })
  await wb.page.screenshot({ path: path.join(dir, name) })
}

/** Saves a screenshot to test-artifacts/ (or to `file`). */
export async function screenshot (wb: Workbench, label: string, file?: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const target = file ?? path.join(ARTIFACTS, `${label}-${wb.name}.png`)
  await wb.page.screenshot({ path: target })
  return target
}

/** The frame of a webview whose document holds `selector` (webviews live in nested iframes). */
export async function webviewFrame (wb: Workbench, selector: string, timeoutMs = 30_000): Promise<Frame> {
  let found: Frame | undefined
  await waitFor(`a webview with ${selector}`, async () => {
    for (const f of wb.page.frames()) {
      if (await f.locator(selector).count().catch(() => 0) > 0) { found = f; return true }
    }
    return false
  }, timeoutMs)
  return found!
}
