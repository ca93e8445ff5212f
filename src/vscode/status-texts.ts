// What the status bar item says. No 'vscode' import, so unit tests run it under Node.
import type { ShownText } from '../shared/shown-text'
import { localized, plural } from './localized'

/** "0 peers", "1 peer", "2 peers": what the status bar item counts, in words. */
export function peerCountLabel (online: number): ShownText {
  return plural(online, localized`${online} peer`, localized`${online} peers`)
}
