/**
 * The protobuf wire format: varints, length-delimited fields, and a reader whose errors use the wording of the
 * Go (gogo) decoders the apiserver runs, so a client sees the same message from the fake as from a real server.
 */

/** A malformed protobuf message; `message` follows the Go decoder's wording. */
export class ProtoDecodeError extends Error {}

export const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const

export class Writer {
  private chunks: Array<Uint8Array> = []
  private buf = new Uint8Array(256)
  private pos = 0

  private ensure(n: number) {
    if (this.pos + n <= this.buf.length) return
    this.chunks.push(this.buf.subarray(0, this.pos))
    this.buf = new Uint8Array(Math.max(256, n * 2))
    this.pos = 0
  }

  byte(b: number) {
    this.ensure(1)
    this.buf[this.pos++] = b
  }

  varint(value: number | bigint) {
    if (typeof value === "number" && value >= 0 && value <= 0x7fffffff) {
      let v = value
      this.ensure(5)
      while (v > 0x7f) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80
        v >>>= 7
      }
      this.buf[this.pos++] = v
      return
    }
    // Negative numbers are sign-extended to 64 bits, as Go does for int32 and int64.
    let v = BigInt.asUintN(64, BigInt(value))
    this.ensure(10)
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80
      v >>= 7n
    }
    this.buf[this.pos++] = Number(v)
  }

  tag(field: number, wireType: number) {
    this.varint(field * 8 + wireType)
  }

  bytes(field: number, data: Uint8Array) {
    this.tag(field, WireType.Bytes)
    this.varint(data.length)
    this.ensure(data.length)
    this.buf.set(data, this.pos)
    this.pos += data.length
  }

  raw(data: Uint8Array) {
    this.ensure(data.length)
    this.buf.set(data, this.pos)
    this.pos += data.length
  }

  finish(): Uint8Array {
    const parts = [...this.chunks, this.buf.subarray(0, this.pos)]
    if (parts.length === 1) return parts[0]!.slice()
    const total = parts.reduce((n, p) => n + p.length, 0)
    const out = new Uint8Array(total)
    let at = 0
    for (const p of parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }
}

export interface Field {
  readonly number: number
  readonly wireType: number
  /** Varint value (wire type 0). */
  readonly varint?: bigint
  /** Payload (wire type 2). */
  readonly bytes?: Uint8Array
}

const unexpectedEof = () => new ProtoDecodeError("unexpected EOF")

export class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array) {}

  done() {
    return this.pos >= this.buf.length
  }

  varint(): bigint {
    let result = 0n
    for (let shift = 0n;; shift += 7n) {
      if (shift >= 64n) throw new ProtoDecodeError("proto: integer overflow")
      if (this.pos >= this.buf.length) throw unexpectedEof()
      const b = this.buf[this.pos++]!
      result |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return result
    }
  }

  /** The next field; `message` names the message for the Go decoder's "illegal tag" wording. */
  field(message: string): Field {
    const key = this.varint()
    const wireType = Number(key & 7n)
    const number = Number(key >> 3n)
    if (wireType === 4) throw new ProtoDecodeError(`proto: ${message}: wiretype end group for non-group`)
    if (number <= 0) throw new ProtoDecodeError(`proto: ${message}: illegal tag ${number} (wire type ${wireType})`)
    switch (wireType) {
      case WireType.Varint:
        return { number, wireType, varint: this.varint() }
      case WireType.Bytes: {
        const length = this.varint()
        if (length > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new ProtoDecodeError("proto: negative length found during unmarshaling")
        }
        const end = this.pos + Number(length)
        if (end > this.buf.length) throw unexpectedEof()
        const bytes = this.buf.subarray(this.pos, end)
        this.pos = end
        return { number, wireType, bytes }
      }
      case WireType.Fixed64:
        if (this.pos + 8 > this.buf.length) throw unexpectedEof()
        this.pos += 8
        return { number, wireType }
      case WireType.Fixed32:
        if (this.pos + 4 > this.buf.length) throw unexpectedEof()
        this.pos += 4
        return { number, wireType }
      case 3:
        throw new ProtoDecodeError(`proto: ${message}: wiretype start group for non-group`)
    }
    throw new ProtoDecodeError(`proto: illegal wireType ${wireType}`)
  }
}
