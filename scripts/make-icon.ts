// Makes media/icon.png, the 128×128 Marketplace / Open VSX icon, from the activity bar glyph
// (media/devmeet.svg: a line drawing in currentColor) drawn white on a blue rounded square, and
// renders it in headless Chromium (Debian's, through playwright-core, as the e2e tests do).
// Run by hand after changing the glyph: node --import tsx scripts/make-icon.ts; commit the PNG.
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { chromium } from 'playwright-core'

const ROOT = path.resolve(import.meta.dirname, '..')
const SIZE = 128

async function main (): Promise<void> {
  const glyph = readFileSync(path.join(ROOT, 'media/devmeet.svg'), 'utf8')
  const inner = glyph.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '')
  // The glyph's 24-unit box scaled 4× (96 px) in the middle, white on a blue square with rounded corners.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 128 128">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#2f80ed"/><stop offset="1" stop-color="#1b4fa8"/></linearGradient></defs>
  <rect x="4" y="4" width="120" height="120" rx="26" fill="url(#bg)"/>
  <g transform="translate(16 12) scale(4)" fill="none" stroke="#ffffff" color="#ffffff" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${inner}</g>
</svg>`
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 })
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`)
    const png = await page.locator('svg').screenshot({ omitBackground: true })
    writeFileSync(path.join(ROOT, 'media/icon.png'), png)
    console.log(`media/icon.png: ${png.length} bytes`)
  } finally {
    await browser.close()
  }
}

main().catch(err => {
  console.error(err)
  process.exit(1)
})
