// How failures from outside our code (Node's system errors, libp2p's dial errors) read to a user.
// Those errors are not ours to name: codes and names are checked first, message text as a fallback.
// Our sentences are messages (translated once the extension installed its translator); the
// outside error text goes in as a part, inert.
import { untrusted } from '../shared/shown-text'
import { localized } from '../shared/localized'

/** A start failure as one sentence a user can act on. */
export function describeStartError (err: any): string {
  const msg = String(err?.message ?? err)
  if (err?.code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(msg)) {
    return localized`the listen port is already in use (${untrusted(msg, 300)}); change devmeet.listenAddresses or use port 0`
  }
  if (err?.code === 'EACCES' || err?.code === 'EROFS' || /EACCES|EROFS|permission denied/i.test(msg)) return localized`cannot write the data folder: ${untrusted(msg, 300)}`
  return msg
}

/** A dial failure as one sentence a user can act on. */
export function describeDialError (err: any, platform: NodeJS.Platform = process.platform): string {
  const msg = String(err?.message ?? err)
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || /aborted|timed out/i.test(msg)) return localized`no answer from that peer within 15 s (offline, firewalled, or a wrong address)`
  if (err?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) return localized`connection refused: nothing is listening at that address`
  if (err?.code === 'EHOSTUNREACH' || err?.code === 'ENETUNREACH' || /EHOSTUNREACH|ENETUNREACH|No route to host/i.test(msg)) {
    // macOS 15 and later answer so for every LAN address until the app may use the local network.
    return platform === 'darwin'
      ? localized`no route to that address: on macOS 15 or later, allow VS Code to use the local network (System Settings → Privacy & Security → Local Network); otherwise that network cannot be reached from here`
      : localized`no route to that address: that network cannot be reached from here (another network, a VPN, or a firewall)`
  }
  if (/NotFound|not found/i.test(err?.name ?? msg)) return localized`the DHT could not find that peer; ask for their full address (DevMeet: Copy My Address)`
  if (/peer id/i.test(msg)) return localized`the peer at that address is not the one named: ${untrusted(msg, 300)}`
  return msg
}
