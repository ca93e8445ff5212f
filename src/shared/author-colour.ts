// Author colours in the chat that stay readable: a hue per peer (stable across sessions and
// peers), with the lightness moved until the text meets WCAG AA (4.5:1) against the theme's
// background, light, dark or high contrast. Pure: the chat page passes its computed background.

export interface Rgb { r: number, g: number, b: number }

/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5

/** Reads `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(…)` and `rgba(…)` (as getComputedStyle gives it); undefined otherwise. */
export function parseColour (css: string): Rgb | undefined {
  const s = css.trim().toLowerCase()
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s)
  if (hex != null) {
    const h = hex[1].length === 3 ? [...hex[1]].map(c => c + c).join('') : hex[1].slice(0, 6)
    return { r: parseInt(h.slice(0, 2), 16), g: parseInt(h.slice(2, 4), 16), b: parseInt(h.slice(4, 6), 16) }
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/.exec(s)
  if (fn == null) return undefined
  // a fully transparent background shows what is behind it: not a colour to measure against
  if (fn[4] != null && parseFloat(fn[4]) === 0) return undefined
  const [r, g, b] = [fn[1], fn[2], fn[3]].map(v => Math.min(255, Math.round(parseFloat(v))))
  return { r, g, b }
}

/** Relative luminance (WCAG 2.x). */
export function luminance ({ r, g, b }: Rgb): number {
  const lin = (v: number): number => {
    const c = v / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/** Contrast ratio of two colours, 1 to 21. */
export function contrastRatio (a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** HSL (h in degrees, s and l 0 to 1) to RGB 0-255. */
export function hslToRgb (h: number, s: number, l: number): Rgb {
  const k = (n: number): number => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number): number => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))))
  return { r: f(0), g: f(8), b: f(4) }
}

/** The peer's hue, 0 to 359. */
export function hueOf (peerId: string): number {
  let h = 0
  for (const c of peerId) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return h % 360
}

/**
 * The author's colour as `rgb(r g b)`: its hue at 60 % saturation, the lightness nearest 55 %
 * that reaches 4.5:1 on `background` (darker on a light background, lighter on a dark one).
 * An unreadable background counts as the darkest or lightest theme by `fallbackDark`.
 */
export function authorColour (peerId: string, background: Rgb | undefined, fallbackDark = true): string {
  const bg = background ?? (fallbackDark ? { r: 0, g: 0, b: 0 } : { r: 255, g: 255, b: 255 })
  const hue = hueOf(peerId)
  const darkBackground = luminance(bg) < 0.18
  const s = 0.6
  let l = 0.55
  // 1 % steps away from the background: at most 55 of them, and 0 % or 100 % always pass 4.5:1 on
  // a background that needed the step (black on light, white on dark).
  for (let i = 0; i < 60 && contrastRatio(hslToRgb(hue, s, l), bg) < MIN_CONTRAST; i++) {
    l = Math.max(0, Math.min(1, l + (darkBackground ? 0.01 : -0.01)))
  }
  const { r, g, b } = hslToRgb(hue, s, l)
  return `rgb(${r} ${g} ${b})`
}
