import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseHTML } from 'linkedom'
import { renderMarkdown } from '../../src/webview/render'
import { parseWebviewMessage, isOpenableLink, resolveInWorkspace } from '../../src/shared/chat-messages'

function render (text: string): HTMLElement {
  const { document } = parseHTML('<!DOCTYPE html><html><body><div id="out"></div></body></html>')
  const out = document.getElementById('out')!
  out.appendChild(renderMarkdown(document as unknown as Document, text))
  return out as unknown as HTMLElement
}

const FORBIDDEN = 'script, img, iframe, style, svg, object, embed, form, input, textarea, a[href], link, meta'

function assertInert (out: HTMLElement): void {
  assert.equal(out.querySelectorAll(FORBIDDEN).length, 0, `no active elements in ${out.innerHTML}`)
  for (const el of out.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) assert.ok(!attr.startsWith('on'), `no event handler attribute ${attr}`)
  }
}

describe('chat rendering of hostile text', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    '</textarea><script>alert(1)</script>',
    '<style>body{display:none}</style>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="command:workbench.action.terminal.new">x</a>',
    '[click](command:workbench.action.terminal.new)',
    '[js](javascript:alert(1))',
    '![pixel](https://evil.example/pixel.png)',
    '\u202Egnp.exe \u200B hidden'
  ]
  for (const p of payloads) {
    it(`keeps ${JSON.stringify(p).slice(0, 50)} as text`, () => {
      const out = render(p)
      assertInert(out)
      if (p.startsWith('<')) assert.ok(out.textContent!.includes(p.slice(0, 8)), 'the markup is shown as text')
    })
  }

  it('renders links as inert elements that keep the target only as data', () => {
    const out = render('see [docs](https://example.com/a) and https://example.org')
    const links = [...out.querySelectorAll('.link')]
    assert.deepEqual(links.map(l => (l as HTMLElement).dataset.href), ['https://example.com/a', 'https://example.org'])
    assertInert(out)
  })

  it('drops command: and javascript: targets entirely', () => {
    const out = render('[x](command:workbench.action.terminal.new) [y](javascript:alert(1))')
    for (const l of out.querySelectorAll('.link')) assert.ok(!/^(command|javascript):/.test((l as HTMLElement).dataset.href ?? ''))
  })

  it('renders code blocks monospaced with their text intact, and very long lines as text', () => {
    const out = render('```ts\nconst a = "<b>"\n```\n\n' + 'x'.repeat(100_000))
    assert.equal(out.querySelector('pre code')!.textContent, 'const a = "<b>"\n')
    assert.ok(out.textContent!.includes('x'.repeat(1000)))
    assertInert(out)
  })
})

describe('messages from the webview', () => {
  it('accepts exactly the declared messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi' })
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' })
    assert.deepEqual(parseWebviewMessage({ type: 'openCode', author: 'p', seq: 2 }), { type: 'openCode', author: 'p', seq: 2 })
  })
  it('refuses unknown types, extra fields, wrong types and huge payloads', () => {
    for (const bad of [null, 'send', [], { type: 'exec', command: 'workbench.action.terminal.new' }, { type: 'send', text: 'x', command: 'y' },
      { type: 'send', text: 5 }, { type: 'send', text: 'x'.repeat(70_000) }, { type: 'openCode', author: 'a', seq: -1 },
      { type: 'typing', typing: 'yes' }, { type: 'openLink' }, { type: '__proto__' }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60))
    }
  })
  it('opens only web links', () => {
    assert.equal(isOpenableLink('https://example.com'), true)
    for (const href of ['command:workbench.action.terminal.new', 'javascript:alert(1)', 'file:///etc/passwd', 'vscode://x', 'vscode-resource:/x', 'not a url']) {
      assert.equal(isOpenableLink(href), false, href)
    }
  })
  it('resolves shared code paths only inside the workspace folder', () => {
    assert.equal(resolveInWorkspace('/w/proj', 'src/a.ts'), '/w/proj/src/a.ts')
    assert.equal(resolveInWorkspace('/w/proj/', './src//a.ts'), '/w/proj/src/a.ts')
    for (const bad of ['/etc/passwd', '../secret', 'src/../../x', 'C:\\Windows', '\\\\server\\share', '', 'a\0b']) {
      assert.equal(resolveInWorkspace('/w/proj', bad), undefined, bad)
    }
  })
})
