import { createRequire } from 'node:module'
import { untrusted, type ShownText } from '../shared/shown-text'
import { localized } from '../shared/localized'
import type { NetworkConfig } from './config'

/**
 * Whether WebRTC runs in this node, and why not. 'off' is the user's choice (setting or flag);
 * 'unavailable' means it was wanted but its native module (node-datachannel) does not load here:
 * a DevMeet package built for another platform, the universal package, or a broken install.
 */
export type WebRTCStatus =
  | { state: 'on' }
  | { state: 'off' }
  | { state: 'unavailable', reason: string }

/** Answers whether WebRTC's native module loads; injected in tests. */
export type WebRTCProbe = () => WebRTCStatus

/** The longest reason we keep: node-datachannel's own message runs to several hundred characters. */
const MAX_REASON = 240

/**
 * Loads node-datachannel in a guarded way, before the transport list is built. Loading it is what
 * fails when the platform's prebuilt binary is missing; @libp2p/webrtc would throw the same error
 * from inside createLibp2p (or half-initialise its bundled module), so we ask first.
 * A CommonJS module that throws while loading is not cached, so a later call tries again.
 */
export const probeWebRTC: WebRTCProbe = () => {
  try {
    // From the bundle this resolves beside dist/ (dist/node_modules), from source in node_modules.
    createRequire(import.meta.url)('node-datachannel')
    return { state: 'on' }
  } catch (err: any) {
    return { state: 'unavailable', reason: describeLoadError(err) }
  }
}

/** One short line: the platform and what failed, without node-datachannel's build advice (users cannot compile it). */
export function describeLoadError (err: unknown): string {
  const platform = `${process.platform}-${process.arch}`
  const message = String((err as any)?.message ?? err)
  if ((err as any)?.code === 'MODULE_NOT_FOUND' && /'node-datachannel'/.test(message)) {
    return localized`this DevMeet package has no WebRTC module (${untrusted(platform)})`
  }
  // node-datachannel wraps the real cause: "… (Error: Cannot find module '@node-datachannel/…')".
  const inner = /\(Error: ([^\n]*?)\)?\s*$/.exec(message.split('\n')[0])?.[1]
  if (/Cannot find module '@node-datachannel\//.test(message) || /Unsupported platform/.test(message)) {
    return localized`no WebRTC binary for ${untrusted(platform)} in this DevMeet package`
  }
  const line = (inner ?? message.split('\n')[0]).trim()
  return localized`WebRTC's native module does not load on ${untrusted(platform)}: ${untrusted(line, MAX_REASON)}`
}

/** The one warning a user sees: why, what still works, and how to get WebRTC back. */
export function webrtcUnavailableWarning (reason: string): ShownText {
  // The reason holds an error message (a file path at most): shown as outside text, capped.
  return localized`WebRTC is unavailable: ${untrusted(reason, MAX_REASON)}. DevMeet runs over TCP and relays instead (the LAN, invitations and chat work; direct connections through NAT do not). \
To get WebRTC back, install the DevMeet package for your platform (the Marketplace and Open VSX choose it for you; see docs/PLATFORMS.md), \
or turn WebRTC off to stop this warning (the setting devmeet.webrtc.enabled; devmeet-peer without --webrtc).`
}

/**
 * Decides at each start whether the node gets WebRTC: left out (transport and /webrtc listen
 * addresses) when its native module does not load, so the node still starts with TCP and the
 * relay. Warns once per reason, so a restart with the same cause does not warn again.
 */
export class WebRTCChoice {
  /** WebRTC in the running node: on, off by setting, or unavailable (with why) */
  status: WebRTCStatus = { state: 'off' }
  private warned: string | undefined

  constructor (private readonly probe: WebRTCProbe, private readonly warn: (message: ShownText) => void) {}

  /** The config the node is built with. */
  configFor (config: NetworkConfig): NetworkConfig {
    if (!config.webrtc) {
      this.status = { state: 'off' }
      return config
    }
    this.status = this.probe()
    if (this.status.state !== 'unavailable') return config
    const { reason } = this.status
    if (this.warned !== reason) {
      this.warned = reason
      this.warn(webrtcUnavailableWarning(reason))
    }
    return { ...config, webrtc: false }
  }
}
