// Security issue 9, class 39: a hostile peer's name and conference title carry a `command:` link,
// bidi overrides and zero-width characters. Whatever of it reaches a notification (the core's
// 'warning' event, the UI's notification texts) must hold no link syntax and no hidden characters.
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { createNode, type DevMeetLibp2p } from '../../src/core/node'
import { defaultNetworkConfig } from '../../src/core/config'
import { frameStream } from '../../src/core/wire/framing'
import { PROFILE_PROTOCOL } from '../../src/core/profile'
import type { ConferenceView } from '../../src/core/api'
import { makePeer, startAll, connectAll, eventually, cleanup } from '../helpers/peers'
import {
  invitationText, reminderText, startingText, cancelledText, movedText, renamedText, rsvpText, notInWorkspaceText
} from '../../src/vscode/notification-texts'

const LINK = '[Click](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)'
/** right-to-left override, zero-width space and joiner, a first-strong isolate and its pop */
const HOSTILE = `\u202e${LINK}\u200b\u200d\u2068x\u2069`
const HIDDEN = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/
const HOUR = 3_600_000

let evil: DevMeetLibp2p | undefined
after(async () => {
  await Promise.resolve(evil?.stop()).catch(() => {})
  await cleanup()
})

function assertInert (text: string, where: string): void {
  assert.doesNotMatch(text, /\]\(/, `${where}: no markdown link syntax: ${text}`)
  assert.doesNotMatch(text, /<command:/i, `${where}: no autolink`)
  assert.doesNotMatch(text, HIDDEN, `${where}: no bidi or zero-width characters: ${JSON.stringify(text)}`)
}

describe('a hostile peer\'s text in notifications', () => {
  it('the clock-skew warning about a peer named like a command link is inert', async () => {
    const victim = makePeer('Victim')
    await startAll(victim)
    const warnings: string[] = []
    victim.events.on('warning', w => warnings.push(w))

    // A raw libp2p node that answers DevMeet's profile protocol with a hostile name and a clock 3 h ahead.
    evil = await createNode({
      privateKey: await generateKeyPair('Ed25519'),
      config: { ...defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false }
    })
    await evil.handle(PROFILE_PROTOCOL, async (stream: Stream) => {
      const frames = frameStream(stream, 2048)
      await frames.write({ name: HOSTILE, now: Date.now() + 3 * HOUR })
      await stream.close()
    }, { runOnLimitedConnection: true })
    await evil.start()

    await victim.connect(evil.getMultiaddrs()[0].toString())
    await eventually('the clock warning', () => warnings.some(w => /clock/.test(w)))
    const warning = warnings.find(w => /clock/.test(w))!
    assert.match(warning, /Click/, 'the warning names the peer')
    assertInert(warning, 'clock-skew warning')
  })

  it('the invitation, reminder, start, change and answer notifications about a hostile conference are inert', async () => {
    const mallory = makePeer(LINK)
    const victim = makePeer('Victim')
    await startAll(mallory, victim)
    await connectAll(mallory, victim)
    const { context } = await mallory.conferences.create({
      title: HOSTILE,
      agenda: `${HOSTILE}\n<img src=x>`,
      start: Date.now() + 10 * 60_000,
      durationMinutes: 30,
      invitees: [victim.peerId!]
    })
    await eventually('the invitation arrives', () => victim.conferences.get(context.id) != null)
    const view: ConferenceView = victim.conferences.get(context.id)!
    assert.match(view.context.title, /\u202e/, 'the title arrives as the hostile peer wrote it')
    const now = Date.now()
    const texts: Array<[string, string]> = [
      ['invitation', invitationText(view, now)],
      ['reminder', reminderText(view, now)],
      ['starting', startingText(view)],
      ['cancelled', cancelledText(view)],
      ['moved', movedText(view, now)],
      ['renamed', renamedText(HOSTILE, view)],
      ['rsvp', rsvpText(view, victim.peerId!, 'accepted', HOSTILE)],
      ['code path', notInWorkspaceText(`docs/${HOSTILE}.md`)]
    ]
    for (const [where, text] of texts) {
      assertInert(text, where)
      assert.match(text, /Click/, `${where} still says what the peer wrote, inert`)
    }
  })
})
