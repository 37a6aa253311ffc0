/**
 * JSON <-> protobuf for the Kubernetes built-in types, driven by the generated tables (scripts/generator/protobuf.ts):
 * the JSON form is the one the apiserver's JSON serializer writes, the protobuf form the one its protobuf serializer
 * writes (`k8s\0` + runtime.Unknown envelope around the object's message; watch events as length-prefixed frames).
 */
import type { Field } from "./wire.js"
import { ProtoDecodeError, Reader, WireType, Writer } from "./wire.js"

export interface Tables {
  readonly messages: Readonly<Record<string, ReadonlyArray<readonly [string, number, string, string]>>>
  readonly kinds: Readonly<Record<string, string>>
  readonly wrappers: ReadonlyArray<string>
}

/** The 4-byte prefix of every protobuf-encoded Kubernetes object. */
export const magic = new Uint8Array([0x6b, 0x38, 0x73, 0x00])

const META = "k8s.io.apimachinery.pkg.apis.meta.v1."
const TIME = `${META}Time`
const MICRO_TIME = `${META}MicroTime`
const DURATION = `${META}Duration`
const FIELDS_V1 = `${META}FieldsV1`
const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension"
const INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
const QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
const QUANTITY_VALUE = "k8s.io.apimachinery.pkg.api.resource.QuantityValue"

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

type Json = any

interface FieldInfo {
  readonly json: string
  readonly number: number
  readonly type: string
  readonly repeated: boolean
  readonly map: boolean
  readonly inline: boolean
  readonly required: boolean
  /** The Go field name, for the decoder's error wording. */
  readonly goName: string
}

interface MessageInfo {
  readonly name: string
  /** The Go type name, for error wording. */
  readonly shortName: string
  readonly fields: ReadonlyArray<FieldInfo>
  readonly byNumber: ReadonlyMap<number, FieldInfo>
  readonly wrapper: boolean
}

const isScalar = (t: string) =>
  t === "string" || t === "bool" || t === "int32" || t === "int64" || t === "bytes" || t === "double" ||
  t === "float" || t === "uint32" || t === "uint64"

/** A codec over one set of tables; message infos are built on first use. */
export class Codec {
  private readonly infos = new Map<string, MessageInfo>()
  private readonly wrappers: ReadonlySet<string>

  constructor(readonly tables: Tables) {
    this.wrappers = new Set(tables.wrappers)
  }

  /** The message of a kind, or undefined when the kind has no protobuf form (custom resources, aggregated APIs). */
  messageOf(apiVersion: string, kind: string): string | undefined {
    const slash = apiVersion.indexOf("/")
    const gv = slash >= 0 ? apiVersion : `/${apiVersion}`
    return this.tables.kinds[`${gv}/${kind}`]
  }

  private info(name: string): MessageInfo {
    let info = this.infos.get(name)
    if (info !== undefined) return info
    const rows = this.tables.messages[name]
    if (rows === undefined) throw new Error(`no protobuf message ${name}`)
    const fields = rows.map(([json, number, type, flags]): FieldInfo => ({
      json,
      number,
      type,
      repeated: flags.includes("r"),
      map: flags.includes("m"),
      inline: flags.includes("i"),
      required: flags.includes("q"),
      goName: json.charAt(0).toUpperCase() + json.slice(1)
    }))
    info = {
      name,
      shortName: name.slice(name.lastIndexOf(".") + 1),
      fields,
      byNumber: new Map(fields.map((f) => [f.number, f])),
      wrapper: this.wrappers.has(name)
    }
    this.infos.set(name, info)
    return info
  }

  // --- JSON -> protobuf ------------------------------------------------------------------------------------------

  /** Encodes the JSON form of `message` (an object, or the special JSON forms of Time, Quantity, ...). */
  encode(message: string, value: Json): Uint8Array {
    const w = new Writer()
    this.writeMessage(w, message, value)
    return w.finish()
  }

  private writeMessage(w: Writer, message: string, value: Json): void {
    switch (message) {
      case TIME:
      case MICRO_TIME: {
        if (typeof value !== "string" || value === "") return
        const ms = Date.parse(value)
        if (Number.isNaN(ms)) return
        const seconds = Math.floor(ms / 1000)
        const fraction = /\.(\d+)/.exec(value)?.[1]
        const nanos = fraction === undefined ? 0 : Number(fraction.slice(0, 9).padEnd(9, "0"))
        w.tag(1, WireType.Varint)
        w.varint(seconds)
        w.tag(2, WireType.Varint)
        w.varint(nanos)
        return
      }
      case DURATION:
        w.tag(1, WireType.Varint)
        w.varint(parseGoDuration(String(value)))
        return
      case FIELDS_V1:
      case RAW_EXTENSION:
        w.bytes(1, utf8.encode(JSON.stringify(value)))
        return
      case INT_OR_STRING:
        if (typeof value === "number") {
          w.tag(1, WireType.Varint)
          w.varint(0)
          w.tag(2, WireType.Varint)
          w.varint(value)
        } else {
          w.tag(1, WireType.Varint)
          w.varint(1)
          w.bytes(3, utf8.encode(String(value)))
        }
        return
      case QUANTITY:
      case QUANTITY_VALUE:
        w.bytes(1, utf8.encode(String(value)))
        return
    }
    const info = this.info(message)
    if (info.wrapper) {
      const items = info.fields[0]!
      for (const item of Array.isArray(value) ? value : []) this.writeValue(w, items, item)
      return
    }
    if (typeof value !== "object" || value === null) return
    for (const f of info.fields) {
      if (f.inline) {
        const sub = new Writer()
        this.writeMessage(sub, f.type, value)
        w.bytes(f.number, sub.finish())
        continue
      }
      const v = value[f.json]
      if (v === undefined || v === null) continue
      if (f.map) {
        for (const key of Object.keys(v).sort()) {
          const entry = v[key]
          if (entry === null || entry === undefined) continue
          const sub = new Writer()
          sub.bytes(1, utf8.encode(key))
          this.writeValue(sub, { ...f, number: 2 }, entry)
          w.bytes(f.number, sub.finish())
        }
      } else if (f.repeated) {
        for (const item of Array.isArray(v) ? v : []) this.writeValue(w, f, item)
      } else {
        this.writeValue(w, f, v)
      }
    }
  }

  private writeValue(w: Writer, f: FieldInfo, v: Json): void {
    switch (f.type) {
      case "string":
        w.bytes(f.number, utf8.encode(String(v)))
        return
      case "bytes":
        w.bytes(f.number, Buffer.from(String(v), "base64"))
        return
      case "bool":
        w.tag(f.number, WireType.Varint)
        w.varint(v === true ? 1 : 0)
        return
      case "int32":
      case "int64":
      case "uint32":
      case "uint64":
        w.tag(f.number, WireType.Varint)
        w.varint(Math.trunc(Number(v)))
        return
      case "double": {
        const b = Buffer.alloc(8)
        b.writeDoubleLE(Number(v))
        w.tag(f.number, WireType.Fixed64)
        w.raw(b)
        return
      }
    }
    const sub = new Writer()
    this.writeMessage(sub, f.type, v)
    w.bytes(f.number, sub.finish())
  }

  // --- protobuf -> JSON ------------------------------------------------------------------------------------------

  /** Decodes a message to its JSON form; throws ProtoDecodeError with the Go decoder's wording. */
  decode(message: string, bytes: Uint8Array): Json {
    switch (message) {
      case TIME:
      case MICRO_TIME: {
        if (bytes.length === 0) return null
        let seconds = 0n
        let nanos = 0n
        for (const f of fields(bytes, message)) {
          if (f.number === 1) seconds = BigInt.asIntN(64, expectVarint(f, "Seconds"))
          else if (f.number === 2) nanos = BigInt.asIntN(32, expectVarint(f, "Nanos"))
        }
        return formatTime(Number(seconds), Number(nanos), message === MICRO_TIME)
      }
      case DURATION: {
        let ns = 0n
        for (const f of fields(bytes, message)) if (f.number === 1) ns = BigInt.asIntN(64, expectVarint(f, "Duration"))
        return formatGoDuration(ns)
      }
      case FIELDS_V1:
      case RAW_EXTENSION: {
        let raw: Uint8Array | undefined
        for (const f of fields(bytes, message)) if (f.number === 1) raw = expectBytes(f, "Raw")
        if (raw === undefined || raw.length === 0) return message === FIELDS_V1 ? {} : null
        if (startsWithMagic(raw)) return this.decodeObject(raw)
        try {
          return JSON.parse(fromUtf8.decode(raw))
        } catch {
          throw new ProtoDecodeError(`invalid character in ${message === FIELDS_V1 ? "FieldsV1" : "RawExtension"}`)
        }
      }
      case INT_OR_STRING: {
        let type = 0n
        let intVal = 0n
        let strVal = ""
        for (const f of fields(bytes, message)) {
          if (f.number === 1) type = expectVarint(f, "Type")
          else if (f.number === 2) intVal = BigInt.asIntN(32, expectVarint(f, "IntVal"))
          else if (f.number === 3) strVal = fromUtf8.decode(expectBytes(f, "StrVal"))
        }
        return type === 1n ? strVal : Number(intVal)
      }
      case QUANTITY:
      case QUANTITY_VALUE: {
        let s = ""
        for (const f of fields(bytes, message)) if (f.number === 1) s = fromUtf8.decode(expectBytes(f, "String_"))
        return s
      }
    }
    const info = this.info(message)
    if (info.wrapper) {
      const out: Array<Json> = []
      const items = info.fields[0]!
      for (const f of fields(bytes, info.shortName)) if (f.number === items.number) out.push(this.readValue(items, f))
      return out
    }
    const out: Record<string, Json> = {}
    for (const f of fields(bytes, info.shortName)) {
      const fi = info.byNumber.get(f.number)
      if (fi === undefined) continue
      if (fi.inline) {
        Object.assign(out, this.decode(fi.type, expectBytes(f, fi.goName)))
      } else if (fi.map) {
        let key = ""
        let value: Json = fi.type === "string" || fi.type === "bytes" ? "" : null
        for (const e of fields(expectBytes(f, fi.goName), info.shortName)) {
          if (e.number === 1) key = fromUtf8.decode(expectBytes(e, "key"))
          else if (e.number === 2) value = this.readValue(fi, e)
        }
        if (fi.type !== "string" && fi.type !== "bytes" && !isScalar(fi.type) && value === null) {
          value = this.decode(fi.type, new Uint8Array())
        }
        ;(out[fi.json] ??= {})[key] = value
      } else if (fi.repeated) {
        if (f.wireType === WireType.Bytes && isPackable(fi.type)) {
          const r = new Reader(f.bytes!)
          while (!r.done()) ((out[fi.json] ??= []) as Array<Json>).push(scalarOf(fi.type, r.varint()))
        } else {
          ;((out[fi.json] ??= []) as Array<Json>).push(this.readValue(fi, f))
        }
      } else {
        const v = this.readValue(fi, f)
        // Go writes every non-pointer field; an empty optional string is what Go's JSON encoder omits.
        if ((v === "" && fi.type === "string" && !fi.required) || (v === null && !fi.required)) {
          delete out[fi.json]
          continue
        }
        out[fi.json] = v
      }
    }
    return out
  }

  private readValue(fi: FieldInfo, f: Field): Json {
    switch (fi.type) {
      case "string":
        return fromUtf8.decode(expectBytes(f, fi.goName))
      case "bytes":
        return Buffer.from(expectBytes(f, fi.goName)).toString("base64")
      case "bool":
        return expectVarint(f, fi.goName) !== 0n
      case "int32":
      case "int64":
      case "uint32":
      case "uint64":
        return scalarOf(fi.type, expectVarint(f, fi.goName))
      case "double":
        throw new ProtoDecodeError(`proto: wrong wireType = ${f.wireType} for field ${fi.goName}`)
    }
    return this.decode(fi.type, expectBytes(f, fi.goName))
  }

  // --- envelopes -------------------------------------------------------------------------------------------------

  /** `k8s\0` + runtime.Unknown{typeMeta, raw} around the object's message; undefined for kinds without one. */
  encodeObject(obj: Json): Uint8Array | undefined {
    const apiVersion = String(obj?.apiVersion ?? "")
    const kind = String(obj?.kind ?? "")
    const message = this.messageOf(apiVersion, kind)
    if (message === undefined) return undefined
    const typeMeta = new Writer()
    typeMeta.bytes(1, utf8.encode(apiVersion))
    typeMeta.bytes(2, utf8.encode(kind))
    const unknown = new Writer()
    unknown.raw(magic)
    unknown.bytes(1, typeMeta.finish())
    unknown.bytes(2, this.encode(message, obj))
    unknown.bytes(3, new Uint8Array())
    unknown.bytes(4, new Uint8Array())
    return unknown.finish()
  }

  /** The envelope's type and message bytes, or the Go serializer's error for data that is not one. */
  unwrap(data: Uint8Array): { readonly apiVersion: string; readonly kind: string; readonly raw: Uint8Array } {
    if (data.length === 0) throw new ProtoDecodeError("empty data")
    if (!startsWithMagic(data)) {
      throw new ProtoDecodeError(
        `provided data does not appear to be a protobuf message, expected prefix [${[...magic].join(" ")}]`
      )
    }
    let apiVersion = ""
    let kind = ""
    let raw: Uint8Array = new Uint8Array()
    for (const f of fields(data.subarray(magic.length), "Unknown")) {
      if (f.number === 1) {
        for (const t of fields(expectBytes(f, "TypeMeta"), "TypeMeta")) {
          if (t.number === 1) apiVersion = fromUtf8.decode(expectBytes(t, "APIVersion"))
          else if (t.number === 2) kind = fromUtf8.decode(expectBytes(t, "Kind"))
        }
      } else if (f.number === 2) raw = expectBytes(f, "Raw")
    }
    return { apiVersion, kind, raw }
  }

  /** Decodes an enveloped object to JSON with its apiVersion and kind. */
  decodeObject(data: Uint8Array, expected?: string): Json {
    const { apiVersion, kind, raw } = this.unwrap(data)
    const message = expected ?? this.messageOf(apiVersion, kind)
    if (message === undefined) throw new ProtoDecodeError(`no kind "${kind}" is registered for version "${apiVersion}"`)
    const body = this.decode(message, raw)
    return { ...(kind !== "" ? { kind } : {}), ...(apiVersion !== "" ? { apiVersion } : {}), ...body }
  }

  /** One watch event as the protobuf watch stream frames it: 4-byte big-endian length + meta/v1 WatchEvent. */
  watchFrame(type: string, object: Json): Uint8Array {
    const encoded = this.encodeObject(object) ?? utf8.encode(JSON.stringify(object))
    const raw = new Writer()
    raw.bytes(1, encoded)
    const event = new Writer()
    event.bytes(1, utf8.encode(type))
    event.bytes(2, raw.finish())
    const body = event.finish()
    const out = new Uint8Array(4 + body.length)
    new DataView(out.buffer).setUint32(0, body.length)
    out.set(body, 4)
    return out
  }
}

const startsWithMagic = (data: Uint8Array) =>
  data.length >= 4 && data[0] === magic[0] && data[1] === magic[1] && data[2] === magic[2] && data[3] === magic[3]

const fields = function*(bytes: Uint8Array, message: string): Generator<Field> {
  const r = new Reader(bytes)
  while (!r.done()) yield r.field(message)
}

const expectVarint = (f: Field, goName: string): bigint => {
  if (f.wireType !== WireType.Varint) {
    throw new ProtoDecodeError(`proto: wrong wireType = ${f.wireType} for field ${goName}`)
  }
  return f.varint!
}

const expectBytes = (f: Field, goName: string): Uint8Array => {
  if (f.wireType !== WireType.Bytes) {
    throw new ProtoDecodeError(`proto: wrong wireType = ${f.wireType} for field ${goName}`)
  }
  return f.bytes!
}

const isPackable = (t: string) => t === "bool" || t === "int32" || t === "int64" || t === "uint32" || t === "uint64"

const scalarOf = (type: string, v: bigint): Json => {
  switch (type) {
    case "bool":
      return v !== 0n
    case "int32":
      return Number(BigInt.asIntN(32, v))
    case "uint32":
      return Number(BigInt.asUintN(32, v))
    case "uint64":
      return Number(v)
  }
  return Number(BigInt.asIntN(64, v))
}

/** RFC 3339 in UTC as Go's JSON encoder writes metav1.Time (seconds) and metav1.MicroTime (microseconds). */
const formatTime = (seconds: number, nanos: number, micro: boolean): string => {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19)
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${iso}Z`
}

const units: ReadonlyArray<readonly [string, bigint]> = [
  ["h", 3_600_000_000_000n],
  ["m", 60_000_000_000n],
  ["s", 1_000_000_000n],
  ["ms", 1_000_000n],
  ["us", 1_000n],
  ["µs", 1_000n],
  ["ns", 1n]
]

/** Parses a Go duration string ("1h30m", "90s", "1.5s") to nanoseconds. */
export const parseGoDuration = (s: string): bigint => {
  let rest = s.trim()
  let sign = 1n
  if (rest.startsWith("-")) {
    sign = -1n
    rest = rest.slice(1)
  } else if (rest.startsWith("+")) rest = rest.slice(1)
  if (rest === "0") return 0n
  let total = 0n
  const re = /^(\d+)(?:\.(\d+))?(h|ms|us|µs|ns|m|s)/
  while (rest !== "") {
    const m = re.exec(rest)
    if (m === null) throw new ProtoDecodeError(`time: invalid duration "${s}"`)
    const unit = units.find(([u]) => u === m[3])![1]
    total += BigInt(m[1]!) * unit
    if (m[2] !== undefined) total += (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length)
    rest = rest.slice(m[0].length)
  }
  return sign * total
}

/** Formats nanoseconds as Go's time.Duration.String() does ("1h0m0s", "1.5s", "300ms"). */
export const formatGoDuration = (ns: bigint): string => {
  if (ns === 0n) return "0s"
  const neg = ns < 0n
  let u = neg ? -ns : ns
  let out: string
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1_000n ? ["ns", 1n] : u < 1_000_000n ? ["µs", 1_000n] : ["ms", 1_000_000n]
    out = fraction(u, scale as bigint) + unit
  } else {
    const h = u / 3_600_000_000_000n
    u -= h * 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u -= m * 60_000_000_000n
    const sec = fraction(u, 1_000_000_000n) + "s"
    out = h > 0n ? `${h}h${m}m${sec}` : m > 0n ? `${m}m${sec}` : sec
  }
  return neg ? `-${out}` : out
}

const fraction = (v: bigint, scale: bigint): string => {
  const whole = v / scale
  const rem = v % scale
  if (rem === 0n) return String(whole)
  const digits = String(scale).length - 1
  return `${whole}.${String(rem).padStart(digits, "0").replace(/0+$/, "")}`
}
