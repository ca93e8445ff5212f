import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, realpathSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { realFileInWorkspace, isInside } from '../../src/vscode/chat/workspace-file'

const base = mkdtempSync(path.join(os.tmpdir(), 'devmeet-ws-'))
after(() => rmSync(base, { recursive: true, force: true }))

const workspace = path.join(base, 'workspace')
const outside = path.join(base, 'outside')
mkdirSync(path.join(workspace, 'src'), { recursive: true })
mkdirSync(outside)
writeFileSync(path.join(workspace, 'src', 'api.ts'), 'export {}\n')
writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n')
// `docs -> ../outside` and a file link out: a code link through either must not open.
symlinkSync(outside, path.join(workspace, 'docs'), 'dir')
symlinkSync(path.join(outside, 'passwd'), path.join(workspace, 'src', 'passwd.ts'))
// a link that stays inside is fine
symlinkSync(path.join(workspace, 'src'), path.join(workspace, 'lib'), 'dir')

describe('a code link resolves only to a file really inside the workspace', () => {
  it('opens a file of the workspace, also through a symlink that stays inside', async () => {
    assert.equal(await realFileInWorkspace(workspace, 'src/api.ts'), realpathSync(path.join(workspace, 'src', 'api.ts')))
    assert.equal(await realFileInWorkspace(workspace, 'lib/api.ts'), realpathSync(path.join(workspace, 'src', 'api.ts')))
  })

  it('refuses a symlinked folder or file that leads outside (docs -> /etc)', async () => {
    assert.equal(await realFileInWorkspace(workspace, 'docs/passwd'), undefined)
    assert.equal(await realFileInWorkspace(workspace, 'src/passwd.ts'), undefined)
  })

  it('refuses what the lexical check refuses, and what does not exist', async () => {
    for (const p of ['../outside/passwd', '/etc/passwd', 'src/../../outside/passwd', 'C:\\Windows', 'src/missing.ts', '']) {
      assert.equal(await realFileInWorkspace(workspace, p), undefined, p)
    }
  })

  it('works when the workspace folder itself is reached through a symlink', async () => {
    const alias = path.join(base, 'alias')
    symlinkSync(workspace, alias, 'dir')
    assert.equal(await realFileInWorkspace(alias, 'src/api.ts'), realpathSync(path.join(workspace, 'src', 'api.ts')))
    assert.equal(await realFileInWorkspace(alias, 'docs/passwd'), undefined)
  })

  it('isInside compares whole path segments', () => {
    assert.equal(isInside('/w/a', '/w/a/b'), true)
    assert.equal(isInside('/w/a', '/w/a'), true)
    assert.equal(isInside('/w/a', '/w/ab'), false)
    assert.equal(isInside('/w/a', '/w'), false)
  })
})
