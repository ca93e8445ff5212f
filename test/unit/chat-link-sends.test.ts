import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { ChatLink, chatFrameSchema, fitsOneFrame, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
import { frameStream } from '../../src/core/wire/framing'
import type { HeldMessage } from '../../src/core/chat/log'

describe('a chat link\'s sends', () => {
  it('writes what waits in one send: 49 presence announcements and a batch of messages take two sends, in order', async () => {
    const [outbound, inbound] = await streamPair()
    let sends = 0
    const send = outbound.send.bind(outbound)
    outbound.send = (data: any) => { sends++; return send(data) }
    const link = new ChatLink('conference-a', 'peer-b', outbound, () => {})
    for (let i = 0; i < 49; i++) link.sendControl({ t: 'here', e: `announcement ${i}` })
    link.sendMessages([{ envelope: 'message 1' }, { envelope: 'message 2' }] as unknown as HeldMessage[])

    const reader = frameStream(inbound, MAX_CHAT_FRAME_BYTES)
    const got = []
    for (let i = 0; i < 50; i++) got.push(await reader.read(chatFrameSchema, 5000))
    assert.deepEqual(got.slice(0, 49).map(f => f.t === 'here' ? f.e : f.t), Array.from({ length: 49 }, (_, i) => `announcement ${i}`))
    assert.deepEqual(got[49], { t: 'msgs', e: ['message 1', 'message 2'] }, 'the messages after the control frames queued before them')
    assert.ok(sends <= 2, `${sends} sends for 50 frames (one per frame before)`)
    link.close()
  })

  it('splits a batch whose frame would pass the receiver\'s limit once escaped: quotes count twice in a frame', async () => {
    const [outbound, inbound] = await streamPair()
    const link = new ChatLink('conference-a', 'peer-b', outbound, () => {})
    // 24,000 characters each, half of them quotes: two fit a batch by characters (48 KiB) but
    // make a frame of about 72 KB, which the reader refuses (and the stream with it).
    const quoted = ['a', 'b', 'c'].map(c => `${c}"`.repeat(12_000))
    link.sendMessages(quoted.map(envelope => ({ envelope })) as unknown as HeldMessage[])
    const reader = frameStream(inbound, MAX_CHAT_FRAME_BYTES)
    const got: string[] = []
    while (got.length < 3) {
      const f = await reader.read(chatFrameSchema, 5000)
      if (f.t === 'msgs') got.push(...f.e)
    }
    assert.deepEqual(got, quoted, 'all three, in order, each frame within the limit')
    link.close()
  })

  it('tells whether an envelope fits a frame on its own', () => {
    assert.equal(fitsOneFrame('x'.repeat(40 * 1024)), true)
    assert.equal(fitsOneFrame('x'.repeat(40 * 1024 + 1)), false, 'longer than a receiver takes')
    assert.equal(fitsOneFrame('"'.repeat(33_000)), false, 'short enough, but twice as long in a frame')
    assert.equal(fitsOneFrame('"'.repeat(32_000)), true)
  })
})

