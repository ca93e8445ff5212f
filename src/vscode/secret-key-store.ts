import type { KeyStore } from '../core/identity'

/** The part of vscode.SecretStorage we use; injected so the fallback logic is testable. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined>
  store(key: string, value: string): Thenable<void>
}

const SECRET_KEY = 'devmeet.peerKey'

/**
 * Keeps the peer key in VS Code's SecretStorage (the OS keychain on desktop, the browser profile
 * in a web workbench). Where SecretStorage fails (Linux without a keyring), falls back to a 0600
 * file in the data folder and says so once.
 */
export class SecretKeyStore implements KeyStore {
  private usingFile = false

  constructor (
    private readonly secrets: SecretStore,
    private readonly fileStore: KeyStore,
    private readonly onFallback: (reason: string) => void
  ) {}

  async load (): Promise<string | undefined> {
    try {
      const fromSecrets = await this.secrets.get(SECRET_KEY)
      if (fromSecrets != null && fromSecrets !== '') return fromSecrets
    } catch (err) {
      this.fallBack(err)
    }
    // A key written by the fallback earlier (or by a window whose keyring failed) is still ours.
    const fromFile = await this.fileStore.load()
    if (fromFile != null && !this.usingFile) {
      try {
        await this.secrets.store(SECRET_KEY, fromFile)
      } catch (err) {
        this.fallBack(err)
      }
    }
    return fromFile
  }

  async save (encoded: string): Promise<void> {
    if (!this.usingFile) {
      try {
        await this.secrets.store(SECRET_KEY, encoded)
        return
      } catch (err) {
        this.fallBack(err)
      }
    }
    await this.fileStore.save(encoded)
  }

  get fellBack (): boolean {
    return this.usingFile
  }

  private fallBack (err: unknown): void {
    if (this.usingFile) return
    this.usingFile = true
    this.onFallback(String((err as any)?.message ?? err))
  }
}
