import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { FileKeyStore, loadOrCreateKey } from '../../src/core/identity'
import { SecretKeyStore, type SecretStore } from '../../src/vscode/secret-key-store'

const dirs: string[] = []
function keyFile (): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'devmeet-secret-'))
  dirs.push(d)
  return path.join(d, 'peer-key')
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

/** An in-memory secret store like a desktop keychain. */
class WorkingSecrets implements SecretStore {
  readonly values = new Map<string, string>()
  async get (key: string): Promise<string | undefined> { return this.values.get(key) }
  async store (key: string, value: string): Promise<void> { this.values.set(key, value) }
}

/** Linux without a keyring: every call rejects. */
class FailingSecrets implements SecretStore {
  calls = 0
  async get (): Promise<string | undefined> { this.calls++; throw new Error('no keyring available') }
  async store (): Promise<void> { this.calls++; throw new Error('no keyring available') }
}

/** A secret store whose calls never settle. */
class SilentSecrets implements SecretStore {
  get (): Promise<string | undefined> { return new Promise(() => {}) }
  store (): Promise<void> { return new Promise(() => {}) }
}

describe('secret key store', () => {
  it('keeps the key in secret storage and writes no key file while secret storage works', async () => {
    const file = keyFile()
    const secrets = new WorkingSecrets()
    const warnings: string[] = []
    const store = new SecretKeyStore(secrets, new FileKeyStore(file), r => warnings.push(r))

    const key = await loadOrCreateKey(store)
    assert.equal(secrets.values.size, 1)
    assert.equal(existsSync(file), false)
    assert.equal(warnings.length, 0)
    assert.equal(store.fellBack, false)

    const again = await loadOrCreateKey(new SecretKeyStore(secrets, new FileKeyStore(file), r => warnings.push(r)))
    assert.ok(again.equals(key), 'the same identity comes back on the next launch')
  })

  it('keeps a damaged key from secret storage under another name and makes a new one, saying so', async () => {
    const file = keyFile()
    const secrets = new WorkingSecrets()
    secrets.values.set('devmeet.peerKey', 'this is not a key')
    const damaged: string[] = []
    const key = await loadOrCreateKey(new SecretKeyStore(secrets, new FileKeyStore(file), () => {}), m => damaged.push(m))
    assert.equal(damaged.length, 1)
    assert.match(damaged[0], /new peer ID/)
    const aside = [...secrets.values].filter(([k]) => k.startsWith('devmeet.peerKey.damaged-'))
    assert.deepEqual(aside.map(([, v]) => v), ['this is not a key'], 'the damaged value is kept, not deleted')
    const again = await loadOrCreateKey(new SecretKeyStore(secrets, new FileKeyStore(file), () => {}))
    assert.ok(again.equals(key), 'the new key is the one that comes back')
  })

  it('falls back to a 0600 key file with one warning when secret storage throws, and the identity survives a restart', async () => {
    const file = keyFile()
    const secrets = new FailingSecrets()
    const warnings: string[] = []
    const store = new SecretKeyStore(secrets, new FileKeyStore(file), r => warnings.push(r))

    const key = await loadOrCreateKey(store)
    assert.equal(store.fellBack, true)
    assert.equal(warnings.length, 1, 'the fallback is announced exactly once')
    assert.match(warnings[0], /no keyring available/)
    assert.equal(statSync(file).mode & 0o777, 0o600)

    const callsBefore = secrets.calls
    const saved = await store.load()
    assert.ok(saved != null)
    await store.save(saved)
    assert.equal(secrets.calls, callsBefore, 'once fallen back, secret storage is not asked again')

    const warnings2: string[] = []
    const fresh = new SecretKeyStore(new FailingSecrets(), new FileKeyStore(file), r => warnings2.push(r))
    const again = await loadOrCreateKey(fresh)
    assert.ok(again.equals(key), 'the next launch without a keyring finds the same identity in the file')
    assert.equal(warnings2.length, 1)
  })

  it('moves a key from the fallback file into secret storage once secret storage works again', async () => {
    const file = keyFile()
    const original = await loadOrCreateKey(new SecretKeyStore(new FailingSecrets(), new FileKeyStore(file), () => {}))

    const secrets = new WorkingSecrets()
    const warnings: string[] = []
    const store = new SecretKeyStore(secrets, new FileKeyStore(file), r => warnings.push(r))
    const again = await loadOrCreateKey(store)
    assert.ok(again.equals(original), 'no new identity when the keyring appears')
    assert.equal(secrets.values.size, 1, 'the file key is copied into secret storage')
    assert.equal(warnings.length, 0)
    assert.equal(store.fellBack, false)

    const fromSecretsOnly = await loadOrCreateKey(new SecretKeyStore(secrets, new FileKeyStore(keyFile()), () => {}))
    assert.ok(fromSecretsOnly.equals(original), 'secret storage alone now yields the identity')
  })

  it('treats a secret store that never answers as failed instead of hanging the start', async () => {
    const file = keyFile()
    const warnings: string[] = []
    const store = new SecretKeyStore(new SilentSecrets(), new FileKeyStore(file), r => warnings.push(r))
    const started = Date.now()
    await loadOrCreateKey(store)
    assert.ok(Date.now() - started < 8000)
    assert.equal(store.fellBack, true)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /did not answer/)
    assert.ok(existsSync(file))
  })
})
