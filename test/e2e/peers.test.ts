import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as path from 'node:path'
import { readdirSync, readFileSync } from 'node:fs'
import { openWorkbench, openDevMeetView, statusLabel, treeRows, connectByAddress, screenshot, waitFor, type Workbench, readmeScreenshot } from './workbench'

let alice: Workbench
let bob: Workbench

describe('two DevMeet workbenches on one machine', () => {
  before(async () => {
    ;[alice, bob] = await Promise.all([
      openWorkbench('alice', { 'devmeet.displayName': 'Alice' }),
      openWorkbench('bob', { 'devmeet.displayName': 'Bob' })
    ])
  })

  after(async () => {
    await Promise.all([alice, bob].filter(Boolean).map(w => w.close()))
  })

  it('opens the DevMeet view, shows one peer in each status bar, and lists the other by name', async (t) => {
    try {
      await Promise.all([openDevMeetView(alice), openDevMeetView(bob)])
      await waitFor('both nodes to run', async () => /DevMeet: \d+ peer/.test(await statusLabel(alice)) && /DevMeet: \d+ peer/.test(await statusLabel(bob)), 90_000)
      let via = 'mDNS'
      try {
        await waitFor('mDNS to connect the peers', async () => (await statusLabel(alice)) === 'DevMeet: 1 peer connected', 20_000)
      } catch {
        // mDNS can be blocked (VPN, container networks): connect by pasted address as a user would.
        via = 'pasted address'
        await connectByAddress(bob, alice)
      }
      t.diagnostic(`peers connected by ${via}`)
      await waitFor('one peer on each side', async () => (await statusLabel(alice)) === 'DevMeet: 1 peer connected' && (await statusLabel(bob)) === 'DevMeet: 1 peer connected', 60_000)
      await waitFor('Alice lists Bob', async () => (await treeRows(alice, 'Peers')).some(r => r.startsWith('Bob, online')), 30_000)
      await waitFor('Bob lists Alice', async () => (await treeRows(bob, 'Peers')).some(r => r.startsWith('Alice, online')), 30_000)
      // A peer found by mDNS, or that dialled us, is a stranger listed under Nearby (not saved); the
      // one who pasted the address dealt with the other and lists it as an online contact.
      assert.ok((await treeRows(alice, 'Peers')).some(r => r.startsWith('Nearby')), 'Alice lists Bob under Nearby')
      if (via === 'pasted address') assert.ok((await treeRows(bob, 'Peers')).some(r => r.startsWith('Online')), 'Bob lists Alice under Online')
      await readmeScreenshot(alice, 'screenshot-peers.png')
      for (const wb of [alice, bob]) t.diagnostic(`${wb.name}: ${activationLine(wb.dir) ?? 'no activation timing logged'}`)
    } catch (err) {
      await Promise.all([alice, bob].map(w => screenshot(w, 'failure-peers').catch(() => {})))
      throw err
    }
  })
})

/** The extension's own timing line from its log channel: activate() call to return, and to the node listening. */
function activationLine (dir: string): string | undefined {
  const logs = path.join(dir, 'user-data', 'logs')
  const files = readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('DevMeet.log'))
  for (const f of files) {
    const line = readFileSync(path.join(logs, f), 'utf8').split('\n').find(l => l.includes('activate() returned'))
    if (line != null) return line.replace(/^.*\] /, '')
  }
  return undefined
}
