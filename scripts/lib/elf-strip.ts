// Drops what a shared library does not need at run time from a 64-bit little-endian ELF file: the
// debug sections, the static symbol table and comments (what `strip` does). node-datachannel's musl
// prebuilds carry 13 MB of DWARF, which would put the Alpine packages over 6 MB; `strip` for
// another CPU is not on every machine, so this is done here, in a way that cannot change the code:
// the file is cut after the last byte any program header maps, and only the section header table
// (which the dynamic loader never reads) is rewritten. Mach-O and PE prebuilds carry no such bulk.

const SHF_ALLOC = 0x2
const SHT_NOBITS = 8
const SH_SIZE = 64

export interface StripResult {
  data: Buffer
  /** false: the file was returned as it was (not ELF64 LE, or a layout this does not handle) */
  stripped: boolean
  why?: string
}

export function stripElf (input: Buffer): StripResult {
  const keep = (why: string): StripResult => ({ data: input, stripped: false, why })
  if (input.length < 64 || input.readUInt32BE(0) !== 0x7f454c46) return keep('not ELF')
  if (input[4] !== 2 || input[5] !== 1) return keep('not 64-bit little-endian')
  const phoff = Number(input.readBigUInt64LE(0x20))
  const shoff = Number(input.readBigUInt64LE(0x28))
  const phentsize = input.readUInt16LE(0x36)
  const phnum = input.readUInt16LE(0x38)
  const shentsize = input.readUInt16LE(0x3a)
  const shnum = input.readUInt16LE(0x3c)
  const shstrndx = input.readUInt16LE(0x3e)
  if (shentsize !== SH_SIZE || shnum === 0 || shstrndx === 0 || shstrndx >= shnum) return keep('unusual section header table')
  const section = (i: number): Buffer => input.subarray(shoff + i * SH_SIZE, shoff + (i + 1) * SH_SIZE)
  const isAlloc = (i: number): boolean => (section(i).readBigUInt64LE(8) & BigInt(SHF_ALLOC)) !== 0n

  // The loaded sections must come first, the rest after: then their indices (which sh_link and
  // sh_info refer to) stay as they are.
  let allocCount = 1
  while (allocCount < shnum && isAlloc(allocCount)) allocCount++
  for (let i = allocCount; i < shnum; i++) if (isAlloc(i)) return keep('loaded sections after unloaded ones')
  if (allocCount === shnum || (allocCount === shnum - 1 && shstrndx === allocCount)) return keep('nothing to strip')
  for (let i = 1; i < allocCount; i++) if (section(i).readUInt32LE(40) >= allocCount) return keep('a loaded section links to an unloaded one')

  // Everything the loader maps: every program header's bytes and every loaded section's.
  let end = phoff + phnum * phentsize
  for (let i = 0; i < phnum; i++) {
    const ph = input.subarray(phoff + i * phentsize, phoff + (i + 1) * phentsize)
    end = Math.max(end, Number(ph.readBigUInt64LE(8)) + Number(ph.readBigUInt64LE(32)))
  }
  for (let i = 1; i < allocCount; i++) {
    const sh = section(i)
    if (sh.readUInt32LE(4) !== SHT_NOBITS) end = Math.max(end, Number(sh.readBigUInt64LE(24)) + Number(sh.readBigUInt64LE(32)))
  }
  if (end > input.length) return keep('a program header maps past the end of the file')

  const names = section(shstrndx)
  const namesData = input.subarray(Number(names.readBigUInt64LE(24)), Number(names.readBigUInt64LE(24)) + Number(names.readBigUInt64LE(32)))
  const align8 = (n: number): number => (n + 7) & ~7
  const namesAt = align8(end)
  const headersAt = align8(namesAt + namesData.length)
  const out = Buffer.alloc(headersAt + (allocCount + 1) * SH_SIZE)
  input.copy(out, 0, 0, end)
  namesData.copy(out, namesAt)
  for (let i = 0; i < allocCount; i++) section(i).copy(out, headersAt + i * SH_SIZE)
  const namesHeader = Buffer.from(names)
  namesHeader.writeBigUInt64LE(BigInt(namesAt), 24)
  namesHeader.copy(out, headersAt + allocCount * SH_SIZE)
  out.writeBigUInt64LE(BigInt(headersAt), 0x28)
  out.writeUInt16LE(allocCount + 1, 0x3c)
  out.writeUInt16LE(allocCount, 0x3e)
  return { data: out, stripped: true }
}
