import { promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { renameRetrying } from './fs-retry'
import { EmptyKeyFileError } from './errors'
import { untrusted } from '../shared/shown-text'
import { localized } from '../shared/localized'

/** Where the peer key lives: VS Code's SecretStorage in the extension, a 0600 file headless. */
export interface KeyStore {
  /** Base64 of the protobuf-encoded private key, or undefined on first run. */
  load(): Promise<string | undefined>
  save(encoded: string): Promise<void>
  /** Keeps a key that cannot be read aside (never deletes it); returns the name it now has. */
  setAside?(): Promise<string>
  /** Why the stored key may be readable by others, when it may: said to the user at each start. */
  privacyProblem?(): Promise<string | undefined>
}

export interface FileKeyStoreOptions {
  /** tests play Windows here */
  platform?: NodeJS.Platform
  homedir?: string
  /** tests play a file system where chmod does nothing (FAT, exFAT, SMB, a Windows drive under WSL) */
  chmod?: (file: string, mode: number) => Promise<void>
}

/**
 * A key file readable only by its owner, where the file system can say so: mode 0600 on POSIX
 * file systems. Where it cannot (Windows, where chmod only sets the read-only flag and access is
 * decided by the folder's access list; FAT, exFAT or network shares on any OS) `privacyProblem`
 * says so, and the start-up warning names what to do.
 */
export class FileKeyStore implements KeyStore {
  private readonly platform: NodeJS.Platform
  private readonly chmod: (file: string, mode: number) => Promise<void>

  constructor (readonly file: string, private readonly opts: FileKeyStoreOptions = {}) {
    this.platform = opts.platform ?? process.platform
    this.chmod = opts.chmod ?? fs.chmod
  }

  async load (): Promise<string | undefined> {
    try {
      return (await fs.readFile(this.file, 'utf8')).trim()
    } catch (err: any) {
      if (err.code === 'ENOENT') return undefined
      throw err
    }
  }

  async save (encoded: string): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.tmp`
    await fs.writeFile(tmp, encoded, { mode: 0o600 })
    // A file system without Unix modes may refuse chmod (EPERM, ENOTSUP): the key is still saved,
    // and privacyProblem() tells the user it is not private.
    await this.chmod(tmp, 0o600).catch(() => {})
    await renameRetrying(tmp, this.file)
  }

  async setAside (): Promise<string> {
    // Milliseconds since 1970, not an ISO time: ':' is not allowed in Windows file names.
    const aside = `${this.file}.damaged-${Date.now()}`
    await renameRetrying(this.file, aside)
    return path.basename(aside)
  }

  async privacyProblem (): Promise<string | undefined> {
    if (this.platform === 'win32') {
      // Files inside the user profile inherit its access list (the user, SYSTEM, Administrators).
      const home = path.win32.resolve(this.opts.homedir ?? os.homedir()).toLowerCase()
      const file = path.win32.resolve(this.file).toLowerCase()
      if (file.startsWith(home.endsWith('\\') ? home : home + '\\')) return undefined
      return `the peer key file ${this.file} is outside your user profile, and on Windows DevMeet cannot make a file private (file modes do not apply): whoever may read that folder may read your key and act as you. Keep the data folder under ${this.opts.homedir ?? os.homedir()}, or restrict the folder's permissions`
    }
    let mode: number
    try {
      mode = (await fs.stat(this.file)).mode
    } catch {
      return undefined
    }
    if ((mode & 0o077) === 0) return undefined
    // Made readable by others (copied, restored from a backup, a umask): make it private again.
    await this.chmod(this.file, 0o600).catch(() => {})
    if (((await fs.stat(this.file)).mode & 0o077) === 0) return undefined
    return `the peer key file ${this.file} is readable by other users, and this file system does not keep file permissions (FAT, exFAT, a network share, or a Windows drive under WSL): whoever can read it can act as you. Move the data folder to a disk with Unix permissions`
  }
}

/**
 * Loads the Ed25519 peer key, making and saving one on first run. A key file that cannot be read
 * as a key (truncated, garbled) is set aside, not overwritten, and a new key is made: the node
 * starts, with a new peer ID, and `onDamaged` says so. A store that cannot set keys aside throws.
 * `onDamaged` also hears when the stored key may be readable by others (privacyProblem).
 */
export async function loadOrCreateKey (store: KeyStore, onDamaged?: (message: string) => void): Promise<PrivateKey> {
  const key = await loadOrMakeKey(store, onDamaged)
  const problem = await store.privacyProblem?.().catch(() => undefined)
  if (problem != null) onDamaged?.(problem)
  return key
}

async function loadOrMakeKey (store: KeyStore, onDamaged?: (message: string) => void): Promise<PrivateKey> {
  const existing = await store.load()
  if (existing != null && (existing !== '' || store.setAside != null)) {
    try {
      if (existing === '') throw new EmptyKeyFileError()
      return privateKeyFromProtobuf(Buffer.from(existing, 'base64'))
    } catch (err: any) {
      if (store.setAside == null) throw err
      const aside = await store.setAside()
      onDamaged?.(localized`the peer key could not be read (${untrusted(String(err?.message ?? err), 300)}); it was moved aside to ${untrusted(aside, 300)} and a new key was made, so this peer has a new peer ID and must be invited again`)
    }
  }
  const key = await generateKeyPair('Ed25519')
  await store.save(Buffer.from(privateKeyToProtobuf(key)).toString('base64'))
  return key
}

// eslint-disable-next-line no-control-regex
const BIDI_AND_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g

/** Cleans a display name that came from outside: NFC, no control or bidi characters, at most 64 characters. */
export function sanitizeDisplayName (raw: unknown, fallback = 'Anonymous'): string {
  if (typeof raw !== 'string') return fallback
  const clean = raw.normalize('NFC').replace(BIDI_AND_CONTROL, '').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  const capped = chars.length > 64 ? chars.slice(0, 63).join('') + '…' : clean
  return capped === '' ? fallback : capped
}

export { shortPeerId } from '../shared/peer-id'
