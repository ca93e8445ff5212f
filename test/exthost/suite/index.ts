// The extension-host test runner: VS Code (or code-server, see ../launcher.mjs) loads this file from
// --extensionTestsPath inside the extension host and awaits run(); a rejection is a failed run.
// Mocha as @vscode/test-cli runs it. Two phases, one window each (test/exthost/run.ts starts both):
// 'first' runs extension.test.js, 'second' (a new window on the same profile) restart.test.js.
import * as path from 'node:path'
import Mocha from 'mocha'

export async function run (): Promise<void> {
  const phase = process.env.DEVMEET_EXTHOST_PHASE ?? 'first'
  const file = phase === 'second' ? 'restart.test.js' : 'extension.test.js'
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 })
  mocha.addFile(path.join(__dirname, file))
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve)
    } catch (err) {
      reject(err)
    }
  })
  if (failures > 0) throw new Error(`${failures} extension-host test${failures === 1 ? '' : 's'} failed (phase ${phase})`)
}
