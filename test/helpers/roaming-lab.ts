// A laptop that changes networks: two network namespaces joined by a veth pair. The office host
// is on two subnets (think Wi-Fi and cable); the laptop starts on the first and moves to the
// second. Nothing here routes outside the lab, and every interface lives in a namespace made here.
import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { inNs } from './netns'

export interface RoamingLab {
  laptop: string
  office: string
  /** the laptop's address now */
  laptopIp: string
  /** Moves the laptop to the other subnet: its old address goes away, a new one comes. */
  move(): void
  destroy(): void
}

const NET = '10.66'

export function makeRoamingLab (): RoamingLab {
  const tag = `dmr${randomBytes(3).toString('hex')}`
  const laptop = `${tag}-lap`
  const office = `${tag}-off`
  const made: string[] = []
  const lab: RoamingLab = {
    laptop,
    office,
    laptopIp: `${NET}.0.2`,
    move () {
      inNs(laptop, ['ip', 'addr', 'add', `${NET}.1.2/24`, 'dev', 'eth0'])
      inNs(laptop, ['ip', 'addr', 'del', `${NET}.0.2/24`, 'dev', 'eth0'])
      lab.laptopIp = `${NET}.1.2`
    },
    destroy () {
      for (const ns of made.splice(0).reverse()) {
        try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }) } catch { /* already gone */ }
      }
    }
  }
  try {
    for (const ns of [laptop, office]) {
      execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe' })
      made.push(ns)
      inNs(ns, ['ip', 'link', 'set', 'lo', 'up'])
    }
    execFileSync('ip', ['link', 'add', 'eth0', 'netns', laptop, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', office], { stdio: 'pipe' })
    inNs(office, ['ip', 'addr', 'add', `${NET}.0.1/24`, 'dev', 'eth0'])
    inNs(office, ['ip', 'addr', 'add', `${NET}.1.1/24`, 'dev', 'eth0'])
    inNs(laptop, ['ip', 'addr', 'add', `${NET}.0.2/24`, 'dev', 'eth0'])
    for (const ns of [laptop, office]) inNs(ns, ['ip', 'link', 'set', 'eth0', 'up'])
    // Until both ends are up the link has no carrier, and Node lists no address on it.
    const deadline = Date.now() + 5000
    while ([laptop, office].some(ns => inNs(ns, ['ip', 'link', 'show', 'eth0']).includes('NO-CARRIER'))) {
      if (Date.now() > deadline) throw new Error('the lab link never came up')
      execFileSync('sleep', ['0.05'])
    }
  } catch (err) {
    lab.destroy()
    throw err
  }
  return lab
}
