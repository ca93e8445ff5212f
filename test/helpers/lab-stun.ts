// A minimal STUN server (RFC 5389 Binding only) for the NAT lab's public segment: it tells a peer
// behind NAT which public address and port its UDP packets come from, which is all WebRTC's ICE
// needs to punch a hole. Usage: node --import tsx lab-stun.ts <ip> <port>; prints "ready" when bound.
import { createSocket } from 'node:dgram'

const MAGIC = 0x2112A442
const [host, port] = [process.argv[2], Number(process.argv[3])]
const socket = createSocket('udp4')

socket.on('message', (msg, from) => {
  if (msg.length < 20 || msg.readUInt16BE(0) !== 0x0001 || msg.readUInt32BE(4) !== MAGIC) return
  const reply = Buffer.alloc(32)
  reply.writeUInt16BE(0x0101, 0) // Binding success response
  reply.writeUInt16BE(12, 2)
  msg.copy(reply, 4, 4, 20) // magic cookie and transaction ID
  reply.writeUInt16BE(0x0020, 20) // XOR-MAPPED-ADDRESS
  reply.writeUInt16BE(8, 22)
  reply.writeUInt16BE(0x0001, 24) // IPv4
  reply.writeUInt16BE(from.port ^ (MAGIC >>> 16), 26)
  const ip = from.address.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0
  reply.writeUInt32BE((ip ^ MAGIC) >>> 0, 28)
  socket.send(reply, from.port, from.address)
})
socket.bind(port, host, () => process.stdout.write('ready\n'))
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
