import type * as vscode from 'vscode'
import type { DevMeet } from '../core/devmeet'
import type * as Core from '../core/index'
import type { Logger } from '../core/log'

/**
 * What every UI module gets: the extension context, the log, and the core once it is loaded.
 * The core (libp2p) loads after activate() returns, so UI modules register their commands and
 * views at once and reach the core only through core-access.ts (requireCore, whenCoreLoaded).
 */
export interface DevMeetHost {
  readonly context: vscode.ExtensionContext
  /** the output channel; each message becomes one visible line there, whatever peer text it holds */
  readonly log: Logger
  /** resolves once dist/core.js is loaded and the DevMeet object exists (the node may still be starting) */
  readonly ready: Promise<DevMeet>
  /** the core if already loaded */
  readonly devmeet: DevMeet | undefined
  /** the core module (dist/core.js) once loaded: its pure helpers such as parsePeerAddress */
  readonly core: typeof Core | undefined
}
