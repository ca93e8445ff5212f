// The header reader the package check trusts, and the ELF stripper the packaging applies to every
// Linux prebuild (issue 15).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { identifyBinary } from '../../scripts/lib/native-binary'
import { stripElf } from '../../scripts/lib/elf-strip'
import { localTarget } from '../../scripts/lib/targets'

const ROOT = path.resolve(import.meta.dirname, '../..')

function elf (machine: number, needed = 'libc.so.6'): Buffer {
  const b = Buffer.alloc(128)
  b.writeUInt32BE(0x7f454c46, 0)
  b[4] = 2
  b[5] = 1
  b.writeUInt16LE(machine, 18)
  b.write(needed, 64, 'latin1')
  return b
}
function macho (cputype: number): Buffer {
  const b = Buffer.alloc(32)
  b.writeUInt32LE(0xfeedfacf, 0)
  b.writeUInt32LE(cputype, 4)
  return b
}
function pe (machine: number): Buffer {
  const b = Buffer.alloc(256)
  b.write('MZ', 0, 'latin1')
  b.writeUInt32LE(0x80, 0x3c)
  b.writeUInt32BE(0x50450000, 0x80)
  b.writeUInt16LE(machine, 0x84)
  return b
}

describe('native binary headers', () => {
  it('tells the OS, CPU and C library of ELF, Mach-O and PE files', () => {
    assert.deepEqual(identifyBinary(elf(0x3e)), { format: 'elf', os: 'linux', cpu: 'x64', libc: 'glibc' })
    assert.deepEqual(identifyBinary(elf(0xb7, 'libc.musl-aarch64.so.1')), { format: 'elf', os: 'linux', cpu: 'arm64', libc: 'musl' })
    assert.deepEqual(identifyBinary(elf(0x28)), { format: 'elf', os: 'linux', cpu: 'arm', libc: 'glibc' })
    assert.deepEqual(identifyBinary(macho(0x01000007)), { format: 'mach-o', os: 'darwin', cpu: 'x64' })
    assert.deepEqual(identifyBinary(macho(0x0100000c)), { format: 'mach-o', os: 'darwin', cpu: 'arm64' })
    assert.deepEqual(identifyBinary(pe(0x8664)), { format: 'pe', os: 'win32', cpu: 'x64' })
    assert.deepEqual(identifyBinary(pe(0xaa64)), { format: 'pe', os: 'win32', cpu: 'arm64' })
  })

  it('refuses what it cannot vouch for: unknown CPUs, fat Mach-O, text, a bare MZ', () => {
    assert.throws(() => identifyBinary(elf(0x99)), /unknown ELF e_machine 0x99/)
    assert.throws(() => identifyBinary(macho(0x12)), /unknown Mach-O cputype/)
    assert.throws(() => identifyBinary(Buffer.from('cafebabe00000002', 'hex')), /universal \(fat\)/)
    assert.throws(() => identifyBinary(Buffer.from('#!/bin/sh\necho hi\n')), /not an ELF, Mach-O or PE/)
    const mz = pe(0x8664)
    mz.writeUInt32BE(0, 0x80)
    assert.throws(() => identifyBinary(mz), /without a PE header/)
  })

  it('reads the installed node-datachannel binary as this machine\'s', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/node-datachannel/package.json'), 'utf8'))
    const installed = Object.keys(pkg.optionalDependencies).map(n => path.join(ROOT, 'node_modules', n, 'node_datachannel.node')).filter(existsSync)
    assert.equal(installed.length, 1, 'npm installed one platform package')
    const info = identifyBinary(readFileSync(installed[0]))
    assert.equal(`${info.os}-${info.cpu === 'arm' ? 'armhf' : info.cpu}`, localTarget().replace(/^alpine-/, 'linux-'))
  })
})

describe('ELF strip', () => {
  it('returns Mach-O, PE and text unchanged', () => {
    for (const b of [macho(0x0100000c), pe(0x8664), Buffer.from('hello')]) assert.equal(stripElf(b).stripped, false)
  })

  const linuxBinary = (): string | undefined => {
    if (process.platform !== 'linux') return undefined
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/node-datachannel/package.json'), 'utf8'))
    return Object.keys(pkg.optionalDependencies).map(n => path.join(ROOT, 'node_modules', n, 'node_datachannel.node')).find(existsSync)
  }

  it('keeps every byte the loader maps, and the stripped binary opens a WebRTC data channel', { skip: linuxBinary() == null && 'not on Linux' }, () => {
    const original = readFileSync(linuxBinary()!)
    const { data, stripped } = stripElf(original)
    assert.ok(stripped)
    assert.ok(data.length < original.length, `${original.length} → ${data.length} bytes`)
    // Only e_shoff, e_shnum and e_shstrndx change in the header; the mapped image after it is the same.
    const phoff = Number(original.readBigUInt64LE(0x20))
    const phnum = original.readUInt16LE(0x38)
    let end = 0
    for (let i = 0; i < phnum; i++) {
      const ph = phoff + i * 56
      end = Math.max(end, Number(original.readBigUInt64LE(ph + 8)) + Number(original.readBigUInt64LE(ph + 32)))
    }
    assert.ok(original.subarray(0x40, end).equals(data.subarray(0x40, end)), 'the mapped bytes are unchanged')
    assert.ok(original.subarray(0, 0x28).equals(data.subarray(0, 0x28)))
    assert.deepEqual(identifyBinary(data), identifyBinary(original))
    assert.equal(stripElf(data).stripped, false, 'stripping twice changes nothing more')

    // In a child process: a crash in native code must not take the test runner down.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devmeet-strip-'))
    try {
      const binary = path.join(dir, 'node_datachannel.node')
      writeFileSync(binary, data)
      const script = path.join(dir, 'check.cjs')
      writeFileSync(script, `
        const b = require(${JSON.stringify(binary)})
        const a = new b.PeerConnection('a', { iceServers: [] }), c = new b.PeerConnection('c', { iceServers: [] })
        a.onLocalDescription((sdp, type) => c.setRemoteDescription(sdp, type))
        a.onLocalCandidate((cand, mid) => c.addRemoteCandidate(cand, mid))
        c.onLocalDescription((sdp, type) => a.setRemoteDescription(sdp, type))
        c.onLocalCandidate((cand, mid) => a.addRemoteCandidate(cand, mid))
        c.onDataChannel(dc => dc.onMessage(msg => { process.stdout.write(msg); a.close(); c.close(); b.cleanup(); process.exit(0) }))
        const dc = a.createDataChannel('t')
        dc.onOpen(() => dc.sendMessage('hello over a stripped binary'))
        setTimeout(() => process.exit(3), 10000)
      `)
      assert.equal(execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 }), 'hello over a stripped binary')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
