// axe-core against a webview's document. The chat page's Content-Security-Policy allows only its
// own nonce'd script, so axe is not added as a <script>: frame.evaluate runs its source in the
// page's context through the debugger protocol, which a CSP does not govern.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Frame } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/** Runs axe (WCAG 2.x A and AA rules and best practices) on the frame's document; returns every violation. */
export async function axeViolations (frame: Frame): Promise<AxeViolation[]> {
  // a script, not a function: evaluated as it is (with nothing to return), in the page, not under its CSP
  await frame.evaluate(`${AXE_SOURCE}\n;void 0`)
  return await frame.evaluate(async () => {
    const axe = (globalThis as any).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n: any) => n.target.join(' ')) }))
  })
}

/** Violations a user would be blocked by: axe's "serious" and "critical". */
export function blocking (violations: AxeViolation[]): AxeViolation[] {
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
}
