// What a native module (.node file) was built for, read from its header: ELF (Linux), Mach-O
// (macOS) or PE (Windows), and the CPU. The packaging script and its CI check use it so that a
// package for one platform can never ship another platform's binary unnoticed.

export type BinaryOs = 'linux' | 'darwin' | 'win32'
export type BinaryCpu = 'x64' | 'arm64' | 'arm' | 'ia32'

export interface BinaryInfo {
  format: 'elf' | 'mach-o' | 'pe'
  os: BinaryOs
  cpu: BinaryCpu
  /** ELF only: the C library it links against (Alpine's musl or glibc), from its DT_NEEDED names */
  libc?: 'musl' | 'glibc'
}

/** ELF e_machine values (System V ABI). */
const ELF_MACHINE: Record<number, BinaryCpu> = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm', 0x03: 'ia32' }
/** Mach-O cputype values (mach/machine.h): CPU_TYPE_X86_64, CPU_TYPE_ARM64. */
const MACHO_CPU: Record<number, BinaryCpu> = { 0x01000007: 'x64', 0x0100000c: 'arm64' }
/** PE/COFF Machine values (IMAGE_FILE_MACHINE_*). */
const PE_MACHINE: Record<number, BinaryCpu> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x01c4: 'arm', 0x014c: 'ia32' }

/** Reads the header; throws for a file that is none of the three formats or an unknown CPU. */
export function identifyBinary (buf: Buffer): BinaryInfo {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    const littleEndian = buf[5] === 1
    const machine = littleEndian ? buf.readUInt16LE(18) : buf.readUInt16BE(18)
    const cpu = known(ELF_MACHINE, machine, 'ELF e_machine')
    // A musl-linked library names libc.musl-<arch>.so.1; a glibc one libc.so.6.
    const libc = buf.includes('libc.musl-') ? 'musl' : buf.includes('libc.so.6') ? 'glibc' : undefined
    return { format: 'elf', os: 'linux', cpu, ...(libc != null ? { libc } : {}) }
  }
  if (buf.length >= 8 && buf.readUInt32LE(0) === 0xfeedfacf) {
    return { format: 'mach-o', os: 'darwin', cpu: known(MACHO_CPU, buf.readUInt32LE(4), 'Mach-O cputype') }
  }
  if (buf.length >= 8 && (buf.readUInt32BE(0) === 0xcafebabe || buf.readUInt32BE(0) === 0xbebafeca)) {
    throw new Error('a universal (fat) Mach-O binary: expected one built for a single CPU')
  }
  if (buf.length >= 0x40 && buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(0x3c)
    if (pe + 6 > buf.length || buf.readUInt32BE(pe) !== 0x50450000) throw new Error('an MZ file without a PE header')
    return { format: 'pe', os: 'win32', cpu: known(PE_MACHINE, buf.readUInt16LE(pe + 4), 'PE machine') }
  }
  throw new Error(`not an ELF, Mach-O or PE file (starts ${buf.subarray(0, 4).toString('hex')})`)
}

function known (table: Record<number, BinaryCpu>, value: number, what: string): BinaryCpu {
  const cpu = table[value]
  if (cpu == null) throw new Error(`unknown ${what} 0x${value.toString(16)}`)
  return cpu
}
