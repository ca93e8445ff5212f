// What the status bar item says. No 'vscode' import, so unit tests run it under Node.

/** "0 peers", "1 peer", "2 peers": what the status bar item counts, in words. */
export function peerCountLabel (online: number): string {
  return online === 1 ? '1 peer' : `${online} peers`
}
