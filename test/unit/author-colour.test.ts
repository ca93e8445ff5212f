import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { authorColour, contrastRatio, hslToRgb, MIN_CONTRAST, parseColour, type Rgb } from '../../src/shared/author-colour'

// The editor backgrounds of VS Code's default themes, and the extremes.
const THEMES: Record<string, string> = {
  'Light Modern': '#ffffff',
  'Light+': 'rgb(255, 255, 255)',
  'Quiet Light': '#f5f5f5',
  'Solarized Light': '#fdf6e3',
  'Dark Modern': '#1f1f1f',
  'Dark+': 'rgb(30, 30, 30)',
  'Solarized Dark': '#002b36',
  'High Contrast': '#000000',
  'High Contrast Light': '#ffffff',
  'a mid grey': '#777777'
}

/** A peer ID whose hue is `hue`: the hash is h*31+c, so one varying last character reaches every hue. */
function peerWithHue (hue: number): string {
  for (let n = 0; n < 100_000; n++) {
    const id = `12D3KooW${n.toString(36)}`
    let h = 0
    for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0
    if (h % 360 === hue) return id
  }
  throw new Error(`no id for hue ${hue}`)
}

describe('author colours', () => {
  it('the old fixed hsl(h 55% 55%) fails on the light theme for yellow (the bug)', () => {
    assert.ok(contrastRatio(hslToRgb(60, 0.55, 0.55), { r: 255, g: 255, b: 255 }) < 2)
  })

  for (const [theme, css] of Object.entries(THEMES)) {
    it(`meet WCAG AA (4.5:1) for every hue on ${theme}`, () => {
      const bg = parseColour(css)!
      for (let hue = 0; hue < 360; hue++) {
        const colour = parseColour(authorColour(peerWithHue(hue), bg).replace(/ /g, ','))!
        const ratio = contrastRatio(colour, bg)
        assert.ok(ratio >= MIN_CONTRAST, `hue ${hue} on ${theme}: ${ratio.toFixed(2)}:1`)
      }
    })
  }

  it('keep the hue distinct: two peers of different hues get different colours', () => {
    const bg: Rgb = { r: 255, g: 255, b: 255 }
    assert.notEqual(authorColour(peerWithHue(10), bg), authorColour(peerWithHue(200), bg))
  })

  it('are stable for one peer on one background', () => {
    const bg = parseColour('#1e1e1e')
    assert.equal(authorColour('12D3KooWabc', bg), authorColour('12D3KooWabc', bg))
  })

  it('read computed colours and refuse what is not one', () => {
    assert.deepEqual(parseColour('rgb(30, 30, 30)'), { r: 30, g: 30, b: 30 })
    assert.deepEqual(parseColour('rgba(255, 255, 255, 1)'), { r: 255, g: 255, b: 255 })
    assert.deepEqual(parseColour('#fff'), { r: 255, g: 255, b: 255 })
    assert.equal(parseColour('rgba(0, 0, 0, 0)'), undefined)
    assert.equal(parseColour('transparent'), undefined)
  })

  it('compute contrast as WCAG defines it', () => {
    assert.equal(contrastRatio({ r: 0, g: 0, b: 0 }, { r: 255, g: 255, b: 255 }).toFixed(0), '21')
    assert.equal(contrastRatio({ r: 119, g: 119, b: 119 }, { r: 255, g: 255, b: 255 }).toFixed(2), '4.48')
  })
})
