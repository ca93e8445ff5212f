// Who shows as "typing…" in a chat panel. The core keeps a typing signal for seconds after it
// arrived (and older peers send "stopped typing" only 3 s after the last key): a message from
// that author ends it at once; only a new typing signal after the message shows it again.
// No 'vscode' import, so unit tests run it under Node.

export class TypingShown {
  /** authors whose message arrived after their last typing signal */
  private readonly wrote = new Set<string>()
  private lastTyping = new Set<string>()

  /** A message of `author` arrived. */
  messageFrom (author: string): void {
    this.wrote.add(author)
  }

  /** The core's typing list changed: who started typing anew shows again. */
  presence (typing: readonly string[]): void {
    for (const peer of typing) if (!this.lastTyping.has(peer)) this.wrote.delete(peer)
    this.lastTyping = new Set(typing)
    for (const peer of [...this.wrote]) if (!this.lastTyping.has(peer)) this.wrote.delete(peer)
  }

  /** The typing list to show. */
  shown (typing: readonly string[]): string[] {
    return typing.filter(peer => !this.wrote.has(peer))
  }
}
