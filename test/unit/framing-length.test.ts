import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import * as varint from 'uint8-varint'
import { frameStream, readLength } from '../../src/core/wire/framing'
import { InvalidFrameError } from '../../src/core/errors'

describe('the length prefix of a frame', () => {
  it('reads every length as the varint standard encodes it, and asks for more bytes until it ends', () => {
    for (const n of [0, 1, 127, 128, 300, 16_383, 16_384, 48 * 1024, 65_536, 2_097_151, 2_097_152, 100_000_000, 2 ** 28 - 1]) {
      const bytes = varint.encode(n)
      for (let k = 1; k < bytes.length; k++) {
        assert.throws(() => readLength(new Uint8ArrayList(...[...bytes.subarray(0, k)].map(b => Uint8Array.of(b)))), RangeError, `${n}: ${k} bytes`)
      }
      assert.equal(readLength(new Uint8ArrayList(...[...bytes].map(b => Uint8Array.of(b)))), n)
    }
  })

  it('refuses a prefix that never ends at its fourth byte, without waiting for the read deadline', async () => {
    const [outbound, inbound] = await streamPair()
    const frames = frameStream(inbound, 64 * 1024)
    const t0 = performance.now()
    const read = frames.readBytes(5_000)
    outbound.send(new Uint8Array(16).fill(0xff))
    await assert.rejects(read, InvalidFrameError)
    assert.ok(performance.now() - t0 < 2_000, 'refused at once, not by the deadline')
    assert.throws(() => readLength(new Uint8ArrayList(Uint8Array.of(0xff, 0xff, 0xff, 0xff))), InvalidFrameError)
    await outbound.close().catch(() => {})
  })

  it('holds what a peer sends ahead of our reads up to the buffer it was given, and refuses more', async () => {
    const body = new Uint8Array(60 * 1024).fill(7)
    for (const [bufferBytes, frames, refused] of [[128 * 1024, 3, true], [256 * 1024, 3, false], [undefined, 16, false], [undefined, 18, true]] as const) {
      const [outbound, inbound] = await streamPair()
      const reader = frameStream(inbound, 64 * 1024, bufferBytes != null ? { bufferBytes } : {})
      const sender = frameStream(outbound, 64 * 1024)
      for (let i = 0; i < frames; i++) await sender.writeBytes(body)
      await new Promise(resolve => setTimeout(resolve, 20))
      if (refused) await assert.rejects(reader.readBytes(1_000), `${frames} frames into ${bufferBytes ?? 'the default'}`)
      else assert.equal((await reader.readBytes(1_000)).byteLength, body.byteLength)
      await outbound.close().catch(() => {})
    }
  })

  it('refuses a prefix claiming more than the limit before any of the body arrives, and carries frames of every size', async () => {
    const [outbound, inbound] = await streamPair()
    const frames = frameStream(inbound, 64 * 1024)
    const sender = frameStream(outbound, 64 * 1024)
    for (const size of [1, 127, 128, 1500, 48 * 1024, 64 * 1024]) {
      const body = new Uint8Array(size).fill(size % 251)
      const [got] = await Promise.all([frames.readBytes(), sender.writeBytes(body)])
      assert.deepEqual(Buffer.from(got), Buffer.from(body), `${size} bytes`)
    }
    const read = frames.readBytes(5_000)
    outbound.send(Uint8Array.of(0x80, 0xc2, 0xd7, 0x2f))
    await assert.rejects(read, /100000000 > 65536/)
    await outbound.close().catch(() => {})
  })
})
