import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { ChatLink, chatFrameSchema, MAX_CHAT_FRAME_BYTES } from '../../src/core/chat/link'
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
})
