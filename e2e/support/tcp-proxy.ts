import { connect, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A 127.0.0.1 TCP proxy in front of a console server, for a test that cuts the browser's
 * connections (an open event stream included) without touching the server: the browser loads the
 * console through `url`; `cut()` drops every open connection and refuses new ones until
 * `restore()`. `sent()` is everything browsers sent through it (request lines and headers).
 */
export type TcpProxy = {
  url: string
  cut: () => void
  restore: () => void
  sent: () => string
  stop: () => Promise<void>
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  let isCut = false
  let sent = ''
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = createServer((client) => {
    track(client)
    if (isCut) return void client.destroy()
    const upstream = connect(Number(port), hostname)
    track(upstream)
    client.on('data', (chunk: Buffer) => (sent += chunk.toString('latin1')))
    client.pipe(upstream).pipe(client)
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => {
      isCut = true
      for (const socket of sockets) socket.destroy()
    },
    restore: () => void (isCut = false),
    sent: () => sent,
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
