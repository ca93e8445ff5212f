// Reads a .vsix (a zip file) without a dependency: the central directory lists the entries, and
// each is stored or deflated. Enough for checking what a package holds; not a general unzip
// (no zip64, no encryption: vsce writes neither for packages this size).
import { inflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  compressedSize: number
  size: number
  read(): Buffer
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

export function readZip (zip: Buffer): ZipEntry[] {
  // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) { eocd = i; break }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)')
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  const entries: ZipEntry[] = []
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL) throw new Error(`damaged central directory at entry ${n}`)
    const method = zip.readUInt16LE(at + 10)
    const compressedSize = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localAt = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    at += 46 + nameLength + extraLength + commentLength
    entries.push({
      name,
      compressedSize,
      size,
      read () {
        if (zip.readUInt32LE(localAt) !== LOCAL) throw new Error(`damaged local header of ${name}`)
        const start = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28)
        const raw = zip.subarray(start, start + compressedSize)
        if (method === 0) return Buffer.from(raw)
        if (method === 8) return inflateRawSync(raw)
        throw new Error(`${name}: compression method ${method} not supported`)
      }
    })
  }
  return entries
}
