import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

/** Where the peer key lives: VS Code's SecretStorage in the extension, a 0600 file headless. */
export interface KeyStore {
  /** Base64 of the protobuf-encoded private key, or undefined on first run. */
  load(): Promise<string | undefined>
  save(encoded: string): Promise<void>
  /** Keeps a key that cannot be read aside (never deletes it); returns the name it now has. */
  setAside?(): Promise<string>
}

/** A key file readable only by its owner. */
export class FileKeyStore implements KeyStore {
  constructor (readonly file: string) {}

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
    await fs.chmod(tmp, 0o600)
    await fs.rename(tmp, this.file)
  }

  async setAside (): Promise<string> {
    const aside = `${this.file}.damaged-${Date.now()}`
    await fs.rename(this.file, aside)
    return path.basename(aside)
  }
}

/**
 * Loads the Ed25519 peer key, making and saving one on first run. A key file that cannot be read
 * as a key (truncated, garbled) is set aside, not overwritten, and a new key is made: the node
 * starts, with a new peer ID, and `onDamaged` says so. A store that cannot set keys aside throws.
 */
export async function loadOrCreateKey (store: KeyStore, onDamaged?: (message: string) => void): Promise<PrivateKey> {
  const existing = await store.load()
  if (existing != null && (existing !== '' || store.setAside != null)) {
    try {
      if (existing === '') throw new Error('the key file is empty')
      return privateKeyFromProtobuf(Buffer.from(existing, 'base64'))
    } catch (err: any) {
      if (store.setAside == null) throw err
      const aside = await store.setAside()
      onDamaged?.(`the peer key could not be read (${String(err?.message ?? err)}); it was moved aside to ${aside} and a new key was made, so this peer has a new peer ID and must be invited again`)
    }
  }
  const key = await generateKeyPair('Ed25519')
  await store.save(Buffer.from(privateKeyToProtobuf(key)).toString('base64'))
  return key
}

const BIDI_AND_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g

/** Cleans a display name that came from outside: NFC, no control or bidi characters, at most 64 characters. */
export function sanitizeDisplayName (raw: unknown, fallback = 'Anonymous'): string {
  if (typeof raw !== 'string') return fallback
  const clean = raw.normalize('NFC').replace(BIDI_AND_CONTROL, '').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  const capped = chars.length > 64 ? chars.slice(0, 63).join('') + '…' : clean
  return capped === '' ? fallback : capped
}

/** The short form of a peer ID shown beside every name: enough to tell peers apart. */
export function shortPeerId (peerId: string): string {
  return peerId.length <= 12 ? peerId : `…${peerId.slice(-8)}`
}
