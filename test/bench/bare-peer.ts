// A bare libp2p receiver in its own process (the process fan-out's baseline): prints its address,
// then one line per frame received.
import { BareNode } from './bare'

const node = await BareNode.start()
let frames = 0
node.onFrame = () => { process.stdout.write(JSON.stringify({ event: 'frame', n: ++frames }) + '\n') }
process.stdout.write(JSON.stringify({ event: 'ready', addr: node.addr }) + '\n')
const stop = (): void => { void node.stop().finally(() => process.exit(0)) }
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
