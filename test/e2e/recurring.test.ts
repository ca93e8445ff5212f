// A weekly series made through the UI prompts, in a real workbench, with a team pasted as one line
// and picked as the invitees. The other side is a headless peer (dist/peer.js), which keeps the
// test to one workbench: it checks that the invitation carries the rule.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { openWorkbench, openDevMeetView, statusLabel, runCommand, answerInput, screenshot, waitFor, treeRows, readmeScreenshot, type Workbench } from './workbench'
import { ensurePeerBuilt, spawnPeer, stopAllPeers, type HeadlessPeer } from '../helpers/headless'
import { decodeTeamLine, encodeTeamLine } from '../../src/core/team-line'

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONDAY_FIRST = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const TITLE = `Weekly planning ${Date.now() % 10_000}`

let alice: Workbench
let bob: HeadlessPeer
let bobDir: string
/** the series' second weekday, e.g. 'Fri' */
let otherDay: string

async function typeAndEnter (wb: Workbench, text: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget:not(.hidden) input').first()
  await input.waitFor({ timeout: 15_000 })
  await input.fill(text)
  await wb.page.waitForTimeout(400)
  await wb.page.keyboard.press('Enter')
  await wb.page.waitForTimeout(400)
}

async function clickPickRow (wb: Workbench, text: string): Promise<void> {
  const row = wb.page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row', { hasText: text }).first()
  await row.waitFor({ timeout: 15_000 })
  await row.click()
  await wb.page.waitForTimeout(300)
}

describe('a weekly series through the UI, with a team as the invitees', () => {
  before(async () => {
    ensurePeerBuilt()
    bobDir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-e2e-bob-'))
    bob = spawnPeer(['--data', bobDir, '--name', 'Bob', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    alice = await openWorkbench('alice', { 'devmeet.displayName': 'Alice', 'devmeet.mdns.enabled': false })
    await openDevMeetView(alice)
    await waitFor('Alice\'s node to run', async () => /DevMeet: \d+ peer/.test(await statusLabel(alice)), 90_000)
  })

  after(async () => {
    await alice?.close()
    await stopAllPeers()
    if (bob != null && bob.proc.exitCode == null && bob.proc.signalCode == null) await new Promise(resolve => bob.proc.once('exit', resolve))
    if (bobDir != null) rmSync(bobDir, { recursive: true, force: true, maxRetries: 5 })
  })

  it('Alice pastes a team, creates a weekly series for it, and sees the series once with its summary and next meetings', async () => {
    try {
      const ready = await bob.next(l => l.event === 'ready', 60_000)
      await runCommand(alice, 'DevMeet: Connect to Peer…')
      await answerInput(alice, ready.address)
      await waitFor('Alice and Bob to connect', async () => (await statusLabel(alice)) === 'DevMeet: 1 peer connected', 60_000)

      // A colleague's team line on the clipboard fills Paste Team's box; Enter adds the team.
      const line = encodeTeamLine({ name: 'Backend team', members: [{ peerId: ready.peerId, name: 'Bob' }] })
      await alice.page.evaluate(async text => { await navigator.clipboard.writeText(text) }, line)
      await runCommand(alice, 'DevMeet: Paste Team…')
      const teamBox = alice.page.locator('.quick-input-widget:not(.hidden) input').first()
      await waitFor('the team line in the box', async () => (await teamBox.inputValue().catch(() => '')).startsWith('devmeet-team:'), 15_000)
      await alice.page.waitForTimeout(300)
      await alice.page.keyboard.press('Enter')
      await waitFor('the team in the Teams view', async () => (await treeRows(alice, 'Teams')).some(r => r.includes('Backend team')), 30_000)
      // Copy Team gives the same team back as one line.
      await alice.page.evaluate(async () => { await navigator.clipboard.writeText('') })
      await runCommand(alice, 'DevMeet: Copy Team')
      await typeAndEnter(alice, 'Backend team')
      await waitFor('the copied team line', async () => (await alice.page.evaluate(() => navigator.clipboard.readText().catch(() => ''))).startsWith('devmeet-team:'), 15_000)
      assert.deepEqual(decodeTeamLine(await alice.page.evaluate(() => navigator.clipboard.readText())), { ok: true, name: 'Backend team', members: [{ peerId: ready.peerId, name: 'Bob' }] })

      // Tomorrow at 09:00, weekly on that day and three days later, ten meetings.
      const tomorrow = new Date(Date.now() + 24 * 3_600_000)
      const first = DAY_NAMES[tomorrow.getDay()]
      const other = DAY_NAMES[(tomorrow.getDay() + 3) % 7]
      otherDay = other
      const days = MONDAY_FIRST.filter(d => d === first || d === other).join(', ')
      await runCommand(alice, 'DevMeet: Create Conference…')
      await typeAndEnter(alice, TITLE)
      await typeAndEnter(alice, 'tomorrow 9:00')
      await typeAndEnter(alice, '30')
      await typeAndEnter(alice, 'chosen days')
      await clickPickRow(alice, other)
      await alice.page.keyboard.press('Enter')
      await alice.page.waitForTimeout(400)
      await typeAndEnter(alice, 'number of meetings')
      await typeAndEnter(alice, '10')
      await typeAndEnter(alice, '')
      // The invitee step says how the series repeats; the team selects Bob.
      await waitFor('the invitee step names the series', async () => (await alice.page.locator('.quick-input-widget:not(.hidden) input').first().getAttribute('placeholder') ?? '').includes(`Weekly on ${days}, 10 times`), 15_000)
      await clickPickRow(alice, 'Backend team')
      await waitFor('the team selects Bob', async () => await alice.page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row[aria-checked="true"]', { hasText: 'Bob' }).count() > 0, 15_000)
      await alice.page.keyboard.press('Enter')

      const summary = `Weekly on ${days}, 10 times`
      await waitFor('the series in the Conferences view', async () => (await treeRows(alice, 'Conferences')).some(r => r.includes(TITLE) && r.includes(summary)), 30_000)
      const rows = await treeRows(alice, 'Conferences')
      assert.equal(rows.filter(r => r.includes(TITLE)).length, 1, 'a series shows once')
      assert.match(rows.find(r => r.includes(TITLE))!, /tomorrow/)

      const pane = alice.page.locator('.pane', { has: alice.page.locator('.pane-header[aria-label^="Conferences"]') })
      await pane.locator('.monaco-list-row', { hasText: TITLE }).first().click()
      await waitFor('its next meetings', async () => (await treeRows(alice, 'Conferences')).some(r => r.includes('Next meetings')), 15_000)
      await waitFor('five of them listed', async () => (await treeRows(alice, 'Conferences')).filter(r => r.includes('9:00') && !r.includes(TITLE)).length >= 5, 15_000)

      // Bob's invitation carries the rule.
      const invitation = await bob.next(l => l.event === 'invitation' && l.conference?.context?.title === TITLE, 60_000)
      assert.equal(invitation.conference.context.recurrence.freq, 'weekly')
      assert.equal(invitation.conference.context.recurrence.count, 10)
      assert.equal(invitation.conference.context.recurrence.byDay.length, 2)
    } catch (err) {
      console.log('Conferences rows:', JSON.stringify(await treeRows(alice, 'Conferences').catch(() => [])))
      await screenshot(alice, 'failure-recurring').catch(() => {})
      throw err
    }
  })

  it('Alice cancels one meeting from the palette; its row is marked cancelled and Bob receives the exception', async () => {
    try {
      await runCommand(alice, 'DevMeet: Cancel This Meeting…')
      await typeAndEnter(alice, TITLE)
      // The soonest meeting on the series' second day.
      await typeAndEnter(alice, otherDay)
      const go = alice.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Cancel This Meeting' }).first()
      await go.waitFor({ timeout: 15_000 })
      await go.click()
      await waitFor('the meeting marked cancelled', async () => (await treeRows(alice, 'Conferences')).some(r => r.startsWith(otherDay) && r.includes('cancelled')), 30_000)
      const update = await bob.next(l => l.event === 'conference:update' && l.conference?.context?.title === TITLE && (l.conference.context.exceptions ?? []).some((e: any) => e.cancelled === true), 60_000)
      assert.equal(update.conference.context.exceptions.length, 1)
      // For the README: a side bar wide enough for the series' summary, the team opened, no toasts.
      await runCommand(alice, 'Notifications: Clear All Notifications')
      await alice.page.mouse.move(349, 420)
      await alice.page.mouse.down()
      await alice.page.mouse.move(700, 420, { steps: 10 })
      await alice.page.mouse.up()
      const teams = alice.page.locator('.pane', { has: alice.page.locator('.pane-header[aria-label^="Teams"]') })
      await teams.locator('.monaco-list-row', { hasText: 'Backend team' }).first().click()
      await alice.page.mouse.move(1000, 600)
      await alice.page.waitForTimeout(800)
      await readmeScreenshot(alice, 'screenshot-series.png')
    } catch (err) {
      console.log('Conferences rows:', JSON.stringify(await treeRows(alice, 'Conferences').catch(() => [])))
      await screenshot(alice, 'failure-recurring-cancel').catch(() => {})
      throw err
    }
  })
})
