// One "window reload" in a fresh process, timed until the chat panel has its history to show:
// `stored` loads dist/stored-history.js and reads the conference and its chat log from disk (what
// a restored panel does now); `node` loads dist/core.js, starts the node on the same data folder
// and asks it for the history (what a restored panel waited for before). Prints one JSON line.
// Plain CommonJS run by plain node, so no TypeScript loader sits in the measured require().
'use strict'
const path = require('node:path')

const [mode, dataDir, conferenceId] = process.argv.slice(2)
const dist = path.resolve(__dirname, '..', '..', 'dist')

async function stored () {
  const { readStoredHistory } = require(path.join(dist, 'stored-history.js'))
  const history = await readStoredHistory(dataDir, conferenceId)
  return history?.messages.length ?? 0
}

async function node () {
  const core = require(path.join(dist, 'core.js'))
  const devmeet = new core.DevMeet({
    dataDir,
    keyStore: new core.FileKeyStore(path.join(dataDir, 'peer.key')),
    displayName: 'Reload',
    config: { ...core.defaultNetworkConfig(), listenAddresses: ['/ip4/127.0.0.1/tcp/0'], mdns: false, webrtc: false },
    reminderMinutes: 0
  })
  await devmeet.start()
  const count = devmeet.conferences.get(conferenceId) == null ? 0 : (await devmeet.chat.history(conferenceId)).length
  return { count, stop: () => devmeet.stop() }
}

async function main () {
  const t0 = performance.now()
  let count
  let stop
  if (mode === 'stored') count = await stored()
  else ({ count, stop } = await node())
  const ms = performance.now() - t0
  await stop?.()
  process.stdout.write(JSON.stringify({ ms, count }) + '\n')
  process.exit(0)
}

main().catch(err => {
  process.stdout.write(JSON.stringify({ error: String((err && err.stack) || err) }) + '\n')
  process.exit(1)
})
