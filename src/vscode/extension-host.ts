import * as vscode from 'vscode'
import * as os from 'node:os'
import * as path from 'node:path'
import { execFile } from 'node:child_process'
import type { DevMeet } from '../core/devmeet'
import type * as Core from '../core/index'
import type { Logger } from '../core/log'
import type { DevMeetHost } from './host'
import { readSettings, NETWORK_SETTING_KEYS, type DevMeetSettings } from '../shared/settings'
import { SecretKeyStore, fallbackText } from './secret-key-store'
import { Disposable, toDisposable } from './disposable'
import { errorShown } from './notification-texts'
import { localized, showError, showWarning } from './user-messages'
import { currentTranslation } from '../shared/localized'

export interface Timings {
  /** activate() from call to return */
  activateMs?: number
  /** activate() call to dist/core.js loaded */
  coreLoadedMs?: number
  /** activate() call to the node listening */
  nodeRunningMs?: number
}

/** Owns the lazily loaded core and hands it to the UI modules. */
export class ExtensionHost extends Disposable implements DevMeetHost {
  readonly timings: Timings = {}
  readonly ready: Promise<DevMeet>
  devmeet: DevMeet | undefined
  core: typeof Core | undefined
  private resolveReady!: (d: DevMeet) => void
  private rejectReady!: (err: unknown) => void
  private readonly activatedAt: number

  /** `log` writes to the output channel one visible line per message (user-messages.ts createOutputLog). */
  constructor (readonly context: vscode.ExtensionContext, readonly log: Logger) {
    super()
    this.activatedAt = performance.now()
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject })
    this.ready.catch(() => {})
  }

  settings (): DevMeetSettings {
    const config = vscode.workspace.getConfiguration('devmeet')
    return readSettings(key => {
      const inspected = config.inspect(key)
      return inspected?.globalValue ?? inspected?.workspaceValue ?? inspected?.defaultValue
    })
  }

  /** Loads dist/core.js, builds the DevMeet object and starts the node. Runs after activate() returned. */
  async load (): Promise<void> {
    // git's user.name comes from a child process: asked now, so that it overlaps loading the core,
    // and awaited only before the node starts, never before the views get the core.
    const gitName = defaultDisplayName()
    try {
      // A run-time require, so the core (libp2p) stays out of the fast-loading extension bundle.
      const corePath = path.join(__dirname, 'core.js')
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.core = require(corePath) as typeof Core
      // The core's warnings are worded in the user's language too: its bundle gets our translator.
      const translation = currentTranslation()
      this.core.useTranslator(translation.translate, translation.language)
      this.timings.coreLoadedMs = performance.now() - this.activatedAt
      this.log.info(`core loaded in ${this.timings.coreLoadedMs.toFixed(0)} ms after activation`)
      const settings = this.settings()
      const dataDir = this.context.globalStorageUri.fsPath
      const keyStore = new SecretKeyStore(
        this.context.secrets,
        new this.core.FileKeyStore(path.join(dataDir, 'peer.key')),
        (reason, privacyProblem) => {
          const message = fallbackText(reason, dataDir, privacyProblem)
          this.log.warn(message)
          void showWarning(message)
        }
      )
      const devmeet = new this.core.DevMeet({
        dataDir,
        keyStore,
        displayName: settings.displayName !== '' ? settings.displayName : osUserName(),
        config: settings.network,
        log: this.log,
        reminderMinutes: settings.reminderMinutes
      } as Core.DevMeetOptions)
      this.devmeet = devmeet
      this.resolveReady(devmeet)
      this._register(toDisposable(devmeet.events.on('warning', message => { void showWarning(localized`DevMeet: ${message}`) })))
      this._register(vscode.workspace.onDidChangeConfiguration(e => { void this.onConfigChange(e) }))
      if (settings.displayName === '') devmeet.setDisplayName(await gitName)
      await devmeet.start()
      this.log.info(`node status: ${devmeet.status.state}`)
      if (devmeet.status.state === 'running') {
        this.timings.nodeRunningMs = performance.now() - this.activatedAt
        this.log.info(`activate() returned in ${this.timings.activateMs?.toFixed(1)} ms; core loaded at ${this.timings.coreLoadedMs.toFixed(0)} ms; node listening at ${this.timings.nodeRunningMs.toFixed(0)} ms`)
      }
    } catch (err: any) {
      this.log.error(`DevMeet failed to load: ${err?.stack ?? err}`)
      this.rejectReady(err)
      void showError(localized`DevMeet failed to load: ${errorShown(err)}`)
    }
  }

  /** Stops the node (deactivate() awaits it); the UI's listeners go with dispose(). */
  async stopNode (): Promise<void> {
    const devmeet = this.devmeet
    if (devmeet == null) return
    // VS Code gives deactivate() about 5 s; give up cleanly before that.
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([devmeet.stop(), new Promise(resolve => { timer = setTimeout(resolve, 4500) })])
    } finally {
      clearTimeout(timer)
    }
  }

  private async onConfigChange (e: vscode.ConfigurationChangeEvent): Promise<void> {
    const devmeet = this.devmeet
    if (devmeet == null || !e.affectsConfiguration('devmeet')) return
    const settings = this.settings()
    try {
      if (e.affectsConfiguration('devmeet.displayName')) {
        devmeet.setDisplayName(settings.displayName !== '' ? settings.displayName : await defaultDisplayName())
      }
      if (NETWORK_SETTING_KEYS.some(k => e.affectsConfiguration(`devmeet.${k}`))) {
        this.log.info('network settings changed; restarting the DevMeet node')
        await devmeet.reconfigure(settings.network)
      }
    } catch (err: any) {
      // a failed restart leaves the node in its failed state; the status bar offers the retry
      this.log.error(`applying the changed settings failed: ${err?.stack ?? err}`)
      void showError(localized`DevMeet could not apply the changed settings: ${errorShown(err)}`)
    }
  }
}

/** git's user.name, else the OS user name; never blocks the extension host. */
function defaultDisplayName (): Promise<string> {
  return new Promise(resolve => {
    execFile('git', ['config', '--get', 'user.name'], { timeout: 2000 }, (err, stdout) => {
      const name = err == null ? stdout.trim() : ''
      resolve(name !== '' ? name : osUserName())
    })
  })
}

function osUserName (): string {
  try {
    return os.userInfo().username
  } catch {
    return 'DevMeet user'
  }
}
