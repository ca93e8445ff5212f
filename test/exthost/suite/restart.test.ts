// The extension-host suite, second phase: a new window on the profile of the first phase (the
// extension was deactivated there and activates here again). The identity and the data survive.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import { describe, it, before } from 'mocha'
import type { DevMeetApi } from '../../../src/extension'
import { activated, dataDir, extensionModule, readState, type PhaseState } from './shared'

describe('DevMeet activated again on the same profile', function () {
  let api: DevMeetApi
  let first: PhaseState

  before(async function () {
    this.timeout(90_000)
    first = readState()
    api = await activated()
  })

  it('starts the node (the first window released its lock)', function () {
    assert.equal(api.status().state, 'running')
  })

  it('keeps the peer key: same peer ID, from the same store', function () {
    assert.match(first.peerId, /^12D3KooW/)
    assert.equal(api.peerId(), first.peerId, 'a new window on the same profile came up with another identity: the peer key was not kept')
    // a key in SecretStorage is not written to the file; after a fallback the file holds it
    assert.equal(existsSync(path.join(dataDir(), 'peer.key')), first.fellBack)
  })

  it('keeps the conference and its chat', async function () {
    assert.ok(first.conferenceId != null && first.messages != null, 'the first phase created a conference and chatted')
    const devmeet = api.devmeet()!
    assert.ok(devmeet.conferences.list().some(v => v.context.id === first.conferenceId))
    assert.deepEqual((await devmeet.chat.history(first.conferenceId)).map(m => m.body), first.messages)
  })

  it('deactivates within 5 s', async function () {
    this.timeout(20_000)
    const started = Date.now()
    await extensionModule().deactivate()
    assert.ok(Date.now() - started < 5000)
    assert.equal(api.status().state, 'stopped')
  })
})
