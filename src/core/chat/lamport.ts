/**
 * How far a received message's Lamport time may run ahead of the highest this peer has seen in
 * the conference (HOSTILE-INPUTS 40). An honest Lamport time is one more than the highest its
 * author had seen, so it runs ahead of ours only by the messages we have not seen yet, and those
 * arrive in Lamport order (a sync sends what is missing sorted by it): even a peer that missed a
 * whole meeting sees steps of a few at a time. 100,000 is half of what one conference may hold
 * (MAX_CONFERENCE_MESSAGES), so no honest history reaches it, while an author needs 2^53 / 100,000
 * ≈ 9·10^10 accepted messages (far past that quota) to push the conference's clock to the end
 * of the schema's range. A message beyond it is refused, not stored: once the messages before it
 * have arrived, a later sync offers it again and it passes.
 */
export const MAX_LAMPORT_JUMP = 100_000

/** True when `lamport` runs further ahead of `seen` (the highest we hold or took) than any honest message can. */
export function tooFarAhead (lamport: number, seen: number): boolean {
  return lamport > seen + MAX_LAMPORT_JUMP
}

/**
 * Our next Lamport time after `seen`. Capped at the schema's maximum, so sending never fails even
 * on a log written before the jump limit existed (ties in order then fall to author and sequence).
 */
export function nextLamport (seen: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, seen) + 1)
}
