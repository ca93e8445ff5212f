import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { z } from 'zod'
import { seal, open, DOMAINS } from '../../src/core/wire/envelope'
import { InvalidFrameError, InvalidSignatureError } from '../../src/core/errors'

const anyPayload = z.unknown()
const notePayload = z.strictObject({ conferenceId: z.string(), n: z.number() })
const decoder = new TextDecoder()
const encoder = new TextEncoder()

let alice: PrivateKey
let mallory: PrivateKey

before(async () => {
  alice = await generateKeyPair('Ed25519')
  mallory = await generateKeyPair('Ed25519')
})

/** The envelope's JSON fields, for building hostile variants by hand. */
function fields (bytes: Uint8Array): { k: string, s: string, p: string, g: string } {
  return JSON.parse(decoder.decode(bytes))
}

describe('signed envelopes', () => {
  it('opens what it sealed and names the signer by its peer ID', async () => {
    const bytes = await seal(alice, DOMAINS.rsvp, { conferenceId: 'c1', n: 1 })
    const opened = await open(bytes, DOMAINS.rsvp, notePayload)
    assert.equal(opened.signer, peerIdFromPrivateKey(alice).toString())
    assert.deepEqual(opened.payload, { conferenceId: 'c1', n: 1 })
    assert.equal(opened.bytes, bytes, 'the exact received bytes are kept for storing and forwarding')
  })

  it('signs and verifies exactly as @libp2p/crypto does, so other libp2p Ed25519 code agrees with it', async () => {
    const bytes = await seal(alice, DOMAINS.chat, { hello: 'world' })
    const f = fields(bytes)
    const signed = new TextEncoder().encode(`devmeet-envelope\0${DOMAINS.chat}\0${f.p}`)
    assert.equal(await alice.publicKey.verify(signed, Buffer.from(f.g, 'base64url')), true)
    const theirs = Buffer.from(await mallory.sign(signed)).toString('base64url')
    const byMallory = new TextEncoder().encode(JSON.stringify({ ...f, s: peerIdFromPrivateKey(mallory).toString(), g: theirs }))
    assert.equal((await open(byMallory, DOMAINS.chat, z.unknown())).signer, peerIdFromPrivateKey(mallory).toString())
  })

  it('refuses a signature made for another domain', async () => {
    const bytes = await seal(alice, DOMAINS.rsvp, { conferenceId: 'c1', n: 1 })
    await assert.rejects(open(bytes, DOMAINS.conference, anyPayload), InvalidSignatureError)
    await assert.rejects(open(bytes, DOMAINS.chat, anyPayload), InvalidSignatureError)
    // Relabelling the envelope does not help: the domain is inside the signed bytes.
    const f = fields(bytes)
    const relabelled = encoder.encode(JSON.stringify({ ...f, k: DOMAINS.conference }))
    await assert.rejects(open(relabelled, DOMAINS.conference, anyPayload), InvalidSignatureError)
  })

  it('refuses a payload changed after signing, for every byte of the payload', async () => {
    const bytes = await seal(alice, DOMAINS.conference, { title: 'Design review', start: 1_800_000_000_000 })
    const f = fields(bytes)
    for (let i = 0; i < f.p.length; i++) {
      const c = f.p.charCodeAt(i)
      const flipped = f.p.slice(0, i) + String.fromCharCode(c ^ 1) + f.p.slice(i + 1)
      const tampered = encoder.encode(JSON.stringify({ ...f, p: flipped }))
      await assert.rejects(open(tampered, DOMAINS.conference, anyPayload), (err: Error) =>
        err instanceof InvalidSignatureError || err instanceof InvalidFrameError, `byte ${i} flipped`)
    }
  })

  it('verifies the payload text as received, never a re-serialisation of it', async () => {
    // Same JSON value, different bytes (whitespace): the signature covered the original text only.
    const bytes = await seal(alice, DOMAINS.conference, { a: 1, b: 2 })
    const f = fields(bytes)
    const respaced = encoder.encode(JSON.stringify({ ...f, p: '{ "a": 1, "b": 2 }' }))
    await assert.rejects(open(respaced, DOMAINS.conference, anyPayload), InvalidSignatureError)
  })

  it('refuses a record whose claimed signer did not sign it', async () => {
    const bytes = await seal(mallory, DOMAINS.conference, { title: 'x' })
    const forged = encoder.encode(JSON.stringify({ ...fields(bytes), s: peerIdFromPrivateKey(alice).toString() }))
    await assert.rejects(open(forged, DOMAINS.conference, anyPayload), InvalidSignatureError)
  })

  it('refuses a flipped signature byte, a short signature and a signer that is not an Ed25519 peer ID', async () => {
    const f = fields(await seal(alice, DOMAINS.chat, { n: 1 }))
    const sig = Buffer.from(f.g, 'base64url')
    sig[10] ^= 0x01
    await assert.rejects(open(encoder.encode(JSON.stringify({ ...f, g: sig.toString('base64url') })), DOMAINS.chat, anyPayload), InvalidSignatureError)
    await assert.rejects(open(encoder.encode(JSON.stringify({ ...f, g: sig.subarray(0, 32).toString('base64url') })), DOMAINS.chat, anyPayload), InvalidSignatureError)
    await assert.rejects(open(encoder.encode(JSON.stringify({ ...f, s: 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N' })), DOMAINS.chat, anyPayload), InvalidSignatureError)
    await assert.rejects(open(encoder.encode(JSON.stringify({ ...f, s: 'not a peer' })), DOMAINS.chat, anyPayload), InvalidSignatureError)
  })

  it('refuses malformed envelopes: not JSON, unknown keys, missing fields, __proto__', async () => {
    const f = fields(await seal(alice, DOMAINS.chat, { n: 1 }))
    const cases = [
      new Uint8Array([0xff, 0xfe, 0x00]),
      encoder.encode('[]'),
      encoder.encode(JSON.stringify({ ...f, extra: 1 })),
      encoder.encode(JSON.stringify({ k: f.k, s: f.s, p: f.p })),
      encoder.encode(`{"k":"${f.k}","s":"${f.s}","p":${JSON.stringify(f.p)},"g":"${f.g}","__proto__":{"polluted":true}}`)
    ]
    for (const bytes of cases) await assert.rejects(open(bytes, DOMAINS.chat, anyPayload), InvalidFrameError)
    assert.equal(({} as any).polluted, undefined)
  })

  it('checks the payload against the schema only after the signature verified', async () => {
    const bytes = await seal(alice, DOMAINS.rsvp, { conferenceId: 'c1', n: 'one' })
    await assert.rejects(open(bytes, DOMAINS.rsvp, notePayload), InvalidFrameError)
  })

  it('costs well under a millisecond to seal and to open', async () => {
    const payload = { conferenceId: 'AAAAAAAAAAAAAAAAAAAAAA', body: 'x'.repeat(200), seq: 1 }
    const n = 300
    let t = performance.now()
    const sealed: Uint8Array[] = []
    for (let i = 0; i < n; i++) sealed.push(await seal(alice, DOMAINS.chat, { ...payload, seq: i }))
    const sealUs = (performance.now() - t) * 1000 / n
    t = performance.now()
    for (const b of sealed) await open(b, DOMAINS.chat, anyPayload)
    const openUs = (performance.now() - t) * 1000 / n
    if (process.env.DEVMEET_BENCH != null) process.stderr.write(`envelope: seal ${sealUs.toFixed(0)} µs, open ${openUs.toFixed(0)} µs, ${sealed[0].length} bytes\n`)
    // Generous bounds: a regression to a slow path (re-deriving keys, protobuf round trips) shows as milliseconds.
    assert.ok(sealUs < 2000, `seal took ${sealUs} µs`)
    assert.ok(openUs < 2000, `open took ${openUs} µs`)
  })
})
