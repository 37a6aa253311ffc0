/**
 * The channel framing of the Kubernetes streaming subprotocols: every binary message starts with one byte naming
 * its channel. remotecommand (exec, attach) uses stdin 0, stdout 1, stderr 2, error/status 3, resize 4, and in v5
 * a close message (255 followed by the channel being closed) that half-closes stdin.
 */

export const v5 = "v5.channel.k8s.io"
export const v4 = "v4.channel.k8s.io"

/** Offered for exec and attach, preferred first (client-go offers the same pair). */
export const remoteCommandProtocols: ReadonlyArray<string> = [v5, v4]

export const stdin = 0
export const stdout = 1
export const stderr = 2
export const status = 3
export const resize = 4
export const close = 255

const encoder = new TextEncoder()

export const frame = (channel: number, data: Uint8Array | string): Uint8Array => {
  const bytes = typeof data === "string" ? encoder.encode(data) : data
  const out = new Uint8Array(bytes.byteLength + 1)
  out[0] = channel
  out.set(bytes, 1)
  return out
}

export const closeFrame = (channel: number): Uint8Array => Uint8Array.of(close, channel)

/** Terminal size as the resize channel carries it (Go's `remotecommand.TerminalSize`). */
export const resizeFrame = (size: { readonly width: number; readonly height: number }): Uint8Array =>
  frame(resize, JSON.stringify({ Width: size.width, Height: size.height }))

/** Port-forward: data on channel 2i and errors on 2i+1 for the i-th requested port. */
export const portDataChannel = (index: number): number => index * 2
export const portErrorChannel = (index: number): number => index * 2 + 1

/** The first message the server sends on each port-forward channel: the port, little-endian uint16. */
export const portPrefix = (port: number): Uint8Array => Uint8Array.of(port & 0xff, (port >> 8) & 0xff)

/** Waits for `drain` (or `close`) on a Node stream, leaving no listener behind. */
export const onceDrained = (
  emitter: {
    once(event: string, listener: () => void): unknown
    off(event: string, listener: () => void): unknown
  },
  resume: () => void
): () => void => {
  const done = () => {
    emitter.off("drain", done)
    emitter.off("close", done)
    resume()
  }
  emitter.once("drain", done)
  emitter.once("close", done)
  return () => {
    emitter.off("drain", done)
    emitter.off("close", done)
  }
}
