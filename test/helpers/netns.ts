// A NAT lab made of Linux network namespaces: a "public" segment (a bridge) with a relay host and
// two home networks, each behind its own NAT router (nftables masquerade, no port forwarding).
// Every interface is created inside a namespace made here (none in the host's own namespace), and
// no namespace has a route to anything outside the lab, so no packet can leave it.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/** Why the lab cannot run here, or undefined when it can (root, `ip netns`, `nft`). */
export function netnsUnavailable (): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'the NAT lab needs root (ip netns, nft)'
  for (const tool of ['ip', 'nft']) {
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' })
    } catch {
      return `\`${tool}\` is missing (Debian: apt-get install iproute2 nftables)`
    }
  }
  const probe = `dmprobe${randomBytes(3).toString('hex')}`
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' })
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' })
  } catch (err: any) {
    return `ip netns add fails here: ${String(err.stderr ?? err.message).trim()}`
  }
  return undefined
}

function run (args: string[], input?: string): string {
  try {
    return execFileSync(args[0], args.slice(1), { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString()
  } catch (err: any) {
    throw new Error(`${args.join(' ')}: ${String(err.stderr ?? err.message).trim()}`, { cause: err })
  }
}

/** Runs a command inside a namespace. */
export function inNs (ns: string, args: string[], input?: string): string {
  return run(['ip', 'netns', 'exec', ns, ...args], input)
}

export interface HomeNetwork {
  /** the namespace of the host behind the NAT (Alice's or Bob's machine) */
  host: string
  /** the NAT router's namespace */
  router: string
  /** the host's private address */
  hostIp: string
  /** the router's address on the public segment: every connection from the host appears to come from it */
  publicIp: string
}

export interface NatLab {
  /** the public segment's namespace, which is also the relay's host */
  pub: string
  /** the relay host's public address */
  pubIp: string
  home: HomeNetwork[]
  namespaces: string[]
  /** Removes every namespace (and so every interface and nftables rule) made for the lab. */
  destroy(): void
}

/** The public segment: addresses from TEST-NET-3 (RFC 5737), which is never routed on the Internet. */
const PUBLIC_NET = '203.0.113'

/**
 * Builds the lab: `pub` (a bridge, the relay host at 203.0.113.1) and for each home network i a
 * router (WAN 203.0.113.(11+i), LAN 10.0.(i+1).1) masquerading for its host (10.0.(i+1).2).
 * The routers forward only connections their own side opened: nothing reaches a host unsolicited.
 */
export function makeNatLab (homes = 2): NatLab {
  const tag = `dm${randomBytes(3).toString('hex')}`
  const pub = `${tag}-pub`
  const namespaces: string[] = []
  const lab: NatLab = {
    pub,
    pubIp: `${PUBLIC_NET}.1`,
    home: [],
    namespaces,
    destroy () {
      for (const ns of namespaces.splice(0).reverse()) {
        try { run(['ip', 'netns', 'del', ns]) } catch { /* already gone */ }
      }
    }
  }
  const addNs = (ns: string): void => {
    run(['ip', 'netns', 'add', ns])
    namespaces.push(ns)
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up'])
  }
  try {
    addNs(pub)
    inNs(pub, ['ip', 'link', 'add', 'br0', 'type', 'bridge'])
    inNs(pub, ['ip', 'addr', 'add', `${lab.pubIp}/24`, 'dev', 'br0'])
    inNs(pub, ['ip', 'link', 'set', 'br0', 'up'])
    for (let i = 0; i < homes; i++) {
      const router = `${tag}-r${i}`
      const host = `${tag}-h${i}`
      const lan = `10.0.${i + 1}`
      const publicIp = `${PUBLIC_NET}.${11 + i}`
      addNs(router)
      addNs(host)
      // WAN: router <-> public bridge; LAN: router <-> host. Both ends are born inside their namespaces.
      run(['ip', 'link', 'add', 'wan', 'netns', router, 'type', 'veth', 'peer', 'name', `port${i}`, 'netns', pub])
      run(['ip', 'link', 'add', 'lan', 'netns', router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host])
      inNs(pub, ['ip', 'link', 'set', `port${i}`, 'master', 'br0', 'up'])
      inNs(router, ['ip', 'addr', 'add', `${publicIp}/24`, 'dev', 'wan'])
      inNs(router, ['ip', 'addr', 'add', `${lan}.1/24`, 'dev', 'lan'])
      inNs(router, ['ip', 'link', 'set', 'wan', 'up'])
      inNs(router, ['ip', 'link', 'set', 'lan', 'up'])
      inNs(router, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
      inNs(router, ['nft', '-f', '-'], natRules(lab.pubIp))
      inNs(host, ['ip', 'addr', 'add', `${lan}.2/24`, 'dev', 'eth0'])
      inNs(host, ['ip', 'link', 'set', 'eth0', 'up'])
      inNs(host, ['ip', 'route', 'add', 'default', 'via', `${lan}.1`])
      lab.home.push({ host, router, hostIp: `${lan}.2`, publicIp })
    }
  } catch (err) {
    lab.destroy()
    throw err
  }
  return lab
}

/**
 * A home router: masquerade out of the WAN port; forward only what the LAN side started. A new
 * inbound TCP connection gets a reset (as a closed port would) so that a refused dial fails at once;
 * anything else unsolicited is dropped. The counter "direct" counts packets the host sends to any
 * public address but the relay host's: traffic that goes straight to the other home.
 */
function natRules (relayIp: string): string {
  return `
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade
  }
}
table inet filter {
  counter direct { }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "lan" oifname "wan" ip daddr != ${relayIp} counter name "direct"
    ct state established,related accept
    iifname "lan" oifname "wan" accept
    iifname "wan" meta l4proto tcp reject with tcp reset
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" ct state established,related accept
    iifname "wan" meta l4proto tcp reject with tcp reset
    iifname "wan" drop
  }
}
`
}

/**
 * Makes a home router a symmetric NAT (every new destination gets a random public port, as some
 * carrier-grade and corporate NATs do) or a port-preserving one again (the default, like most home routers).
 */
export function setSymmetricNat (home: HomeNetwork, symmetric: boolean): void {
  inNs(home.router, ['nft', '-f', '-'], `flush chain ip nat postrouting
add rule ip nat postrouting oifname "wan" masquerade${symmetric ? ' random' : ''}
`)
}

/** Packets a home router's host sent straight to another home (not to the relay host). */
export function directPackets (home: HomeNetwork): number {
  const json = JSON.parse(inNs(home.router, ['nft', '-j', 'list', 'counter', 'inet', 'filter', 'direct']))
  const counter = json.nftables.find((e: any) => e.counter != null)?.counter
  return Number(counter?.packets ?? 0)
}

/** Every namespace whose name starts with the lab prefix `dm` and a 6-hex tag (to find leftovers). */
export function labNamespaces (): string[] {
  return run(['ip', 'netns', 'list']).split('\n').map(l => l.split(' ')[0]).filter(n => /^dm[0-9a-f]{6}-/.test(n))
}
