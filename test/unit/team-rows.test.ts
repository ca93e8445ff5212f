import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Team } from '../../src/core/teams'
import { memberLabel, memberRow, teamDescription, teamLabel, type KnownPeer } from '../../src/vscode/teams/team-rows'

const ANN = '12D3KooWDBaH1rGiRQD77eedg43rtqPNLt82kcURSi2snF771GrR'
const BEN = '12D3KooWLpQsdJ23QW6VmQ82oTSMWrda9ocXR7Yq47NLNbQ2zYiG'

const team: Team = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  name: 'Backend [x](command:workbench.action.terminal.new) $(alert)',
  members: [{ peerId: ANN, name: 'Ann from the line' }, { peerId: BEN, name: 'Ben\u202Egnp.exe' }],
  createdAt: 1,
  updatedAt: 1
}
const known: KnownPeer = id => id === ANN ? { label: 'Annie', online: true, known: true } : { label: id, online: false, known: false }

describe('team rows', () => {
  it('name a member as I know the peer now, else as the team line named it', () => {
    assert.equal(memberLabel(team.members[0], known), 'Annie')
    assert.equal(memberLabel(team.members[1], known), 'Ben\u202Egnp.exe')
  })

  it('count members and those online, with plural forms', () => {
    assert.equal(teamDescription(team, known), '2 members · 1 online')
    assert.equal(teamDescription({ ...team, members: [team.members[1]] }, known), '1 member')
  })

  it('show pasted names inert: no link, icon or bidi syntax survives', () => {
    const label = String(teamLabel(team))
    assert.doesNotMatch(label, /\]\(command:/)
    assert.doesNotMatch(label, /\$\(alert\)/)
    const row = memberRow(team.members[1], known)
    assert.doesNotMatch(String(row.label), /\u202E/)
    assert.match(String(row.tooltip), /Not met yet/)
    assert.match(String(memberRow(team.members[0], known).description), /online$/)
  })
})
