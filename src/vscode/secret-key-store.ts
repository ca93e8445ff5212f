import type { KeyStore } from '../core/identity'
import { untrusted, type ShownText } from '../shared/shown-text'
import { withTimeout as within } from './with-timeout'
import { localized } from './localized'

/** The part of vscode.SecretStorage we use; injected so the fallback logic is testable. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined>
  store(key: string, value: string): Thenable<void>
}

const SECRET_KEY = 'devmeet.peerKey'
/** A secret store that does not answer (no keyring daemon, a web workbench without its browser) counts as failed. */
const SECRET_TIMEOUT_MS = 5000

function withTimeout<T> (p: Thenable<T>, what: string): Promise<T> {
  return within(p, SECRET_TIMEOUT_MS, what)
}

/**
 * What the user is told when the key moves to the file: that it is private only when the file
 * store finds nothing wrong; otherwise what its privacyProblem() reports (FAT, a network share,
 * Windows outside the profile...).
 */
export function fallbackText (reason: string, dataDir: string, privacyProblem: string | undefined): ShownText {
  const where = privacyProblem == null
    ? localized`in a file readable only by you in ${untrusted(dataDir, 500)}`
    : localized`in a file in ${untrusted(dataDir, 500)}, but it may not be private: ${untrusted(privacyProblem, 600)}`
  return localized`DevMeet could not use VS Code's secret storage (${untrusted(reason, 300)}); your peer key is kept ${where}.`
}

/**
 * Keeps the peer key in VS Code's SecretStorage (the OS keychain on desktop, the browser profile
 * in a web workbench). Where SecretStorage fails (Linux without a keyring), falls back to a 0600
 * file in the data folder and says so once, after the file is in use, with what the file store's
 * privacyProblem() finds about it.
 */
export class SecretKeyStore implements KeyStore {
  private usingFile = false
  /** why secret storage failed, until the fallback has been announced */
  private unannounced: string | undefined
  /** where the key that load() returned came from, so a damaged one is set aside there */
  private loadedFrom: 'secrets' | 'file' = 'file'

  constructor (
    private readonly secrets: SecretStore,
    private readonly fileStore: KeyStore,
    private readonly onFallback: (reason: string, privacyProblem: string | undefined) => void
  ) {}

  async load (): Promise<string | undefined> {
    if (this.usingFile) return await this.fileStore.load()
    try {
      const fromSecrets = await withTimeout(this.secrets.get(SECRET_KEY), 'secret storage')
      if (fromSecrets != null && fromSecrets !== '') {
        this.loadedFrom = 'secrets'
        return fromSecrets
      }
    } catch (err) {
      this.fallBack(err)
    }
    // A key written by the fallback earlier (or by a window whose keyring failed) is still ours.
    this.loadedFrom = 'file'
    const fromFile = await this.fileStore.load()
    if (fromFile != null && !this.usingFile) {
      try {
        await withTimeout(this.secrets.store(SECRET_KEY, fromFile), 'secret storage')
      } catch (err) {
        this.fallBack(err)
      }
    }
    // On first run there is no file yet: announced after save() wrote it.
    if (fromFile != null) await this.announceFallback()
    return fromFile
  }

  async save (encoded: string): Promise<void> {
    if (!this.usingFile) {
      try {
        await withTimeout(this.secrets.store(SECRET_KEY, encoded), 'secret storage')
        return
      } catch (err) {
        this.fallBack(err)
      }
    }
    await this.fileStore.save(encoded)
    await this.announceFallback()
  }

  /** A key that cannot be read is kept under another secret name (or file name), never deleted. */
  async setAside (): Promise<string> {
    if (this.loadedFrom === 'file') {
      if (this.fileStore.setAside == null) throw new Error('the key file cannot be set aside')
      return await this.fileStore.setAside()
    }
    const damaged = await withTimeout(this.secrets.get(SECRET_KEY), 'secret storage')
    const name = `${SECRET_KEY}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`
    if (damaged != null) await withTimeout(this.secrets.store(name, damaged), 'secret storage')
    await withTimeout(this.secrets.store(SECRET_KEY, ''), 'secret storage')
    return localized`the secret "${untrusted(name)}"`
  }

  get fellBack (): boolean {
    return this.usingFile
  }

  private fallBack (err: unknown): void {
    if (this.usingFile) return
    this.usingFile = true
    this.unannounced = String((err as any)?.message ?? err)
  }

  private async announceFallback (): Promise<void> {
    const reason = this.unannounced
    if (reason == null) return
    this.unannounced = undefined
    const problem = await this.fileStore.privacyProblem?.().catch(() => undefined)
    this.onFallback(reason, problem)
  }
}
