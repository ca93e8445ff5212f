// What both phases of the extension-host suite share: the extension, its data folder, and the
// state the first phase leaves for the second (a file named by test/exthost/run.ts).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import * as vscode from 'vscode'
import type { DevMeetApi } from '../../../src/extension'

export const EXTENSION_ID = 'devmeet.devmeet'
export const DISPLAY_NAME = 'Exthost Tester'

/** What the first phase saw, for the second (a new window on the same profile). */
export interface PhaseState {
  peerId: string
  /** the key went to the fallback file instead of VS Code's SecretStorage */
  fellBack: boolean
  conferenceId?: string
  messages?: string[]
}

export function extension (): vscode.Extension<DevMeetApi> {
  const ext = vscode.extensions.getExtension<DevMeetApi>(EXTENSION_ID)
  if (ext == null) throw new Error(`${EXTENSION_ID} is not installed in this extension host`)
  return ext
}

function userData (): string {
  const dir = process.env.DEVMEET_EXTHOST_USER_DATA
  if (dir == null) throw new Error('DEVMEET_EXTHOST_USER_DATA is not set: start the suite with test/exthost/run.ts')
  return dir
}

/** The extension's global storage folder (context.globalStorageUri), under the profile run.ts made. */
export function dataDir (): string {
  return path.join(userData(), 'User', 'globalStorage', EXTENSION_ID)
}

/** The text of every DevMeet output channel log of this profile (<user-data>/logs/<session>/…/DevMeet.log). */
export function outputChannelLogs (): string[] {
  const logs = path.join(userData(), 'logs')
  if (!existsSync(logs)) return []
  return readdirSync(logs, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name === 'DevMeet.log')
    .map(e => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
}

function stateFile (): string {
  const file = process.env.DEVMEET_EXTHOST_STATE
  if (file == null) throw new Error('DEVMEET_EXTHOST_STATE is not set: start the suite with test/exthost/run.ts')
  return file
}

export function readState (): PhaseState {
  if (!existsSync(stateFile())) throw new Error('the first phase left no state')
  return JSON.parse(readFileSync(stateFile(), 'utf8'))
}

export function writeState (state: PhaseState): void {
  writeFileSync(stateFile(), JSON.stringify(state, null, 2))
}

/** The module the extension host loaded (same require cache), for its deactivate(). */
export function extensionModule (): typeof import('../../../src/extension') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(extension().extensionPath, 'dist', 'extension.js'))
}

/** Activates (or finds active) the extension and waits for its node to run. */
export async function activated (): Promise<DevMeetApi> {
  const api = await extension().activate()
  await api.ready
  const end = Date.now() + 60_000
  while (api.status().state !== 'running') {
    if (Date.now() > end) throw new Error(`the node did not run within 60 s: ${JSON.stringify(api.status())}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  return api
}
