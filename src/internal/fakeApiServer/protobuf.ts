/**
 * The fake apiserver's protobuf media type: content negotiation, request bodies and replies. The codec tables are
 * generated data loaded on the first request that needs them, so programs that never speak protobuf never load them.
 */
import { Codec } from "../protobuf/codec.js"
import { ProtoDecodeError } from "../protobuf/wire.js"
import type { Served } from "./registry.js"
import type { ApiReply, ApiRequest, Obj } from "./types.js"

export const protobufType = "application/vnd.kubernetes.protobuf"
export const protobufWatchType = "application/vnd.kubernetes.protobuf;stream=watch"

let codec: Codec | undefined
let loading: Promise<Codec> | undefined

/** Loads the generated tables once. */
export const loadCodec = (): Promise<Codec> =>
  codec !== undefined ? Promise.resolve(codec) : (loading ??= import("../../generated/protobufTables.js").then((m) => {
    codec = new Codec(m.tables)
    return codec
  }))

/** The loaded codec; the router loads it before handing a protobuf request to the engine. */
export const loadedCodec = (): Codec => {
  if (codec === undefined) throw new Error("protobuf tables are not loaded")
  return codec
}

/** Whether a request mentions protobuf in Content-Type or Accept, so the router loads the tables first. */
export const mentionsProtobuf = (req: ApiRequest): boolean =>
  (req.headers["content-type"] ?? "").includes(protobufType) || (req.headers["accept"] ?? "").includes(protobufType)

const mediaType = (header: string | undefined) => (header ?? "").split(";")[0]!.trim().toLowerCase()

/** A request body in protobuf. */
export const isProtobufBody = (req: ApiRequest): boolean => mediaType(req.headers["content-type"]) === protobufType

/**
 * The client asked for protobuf before any other type it accepts (client-go sends
 * `application/vnd.kubernetes.protobuf, application/json`); a Table or metadata view (`;as=`) stays JSON.
 */
export const prefersProtobuf = (req: ApiRequest, served: Served): boolean => {
  if (served.custom) return false
  const first = (req.headers["accept"] ?? "").split(",")[0] ?? ""
  return mediaType(first) === protobufType && !/;\s*as=/.test(first)
}

/** An object reply in protobuf, when its kind has a message. */
export const protobufReply = (status: number, obj: Obj): ApiReply | undefined => {
  const body = loadedCodec().encodeObject(obj)
  return body === undefined ? undefined : { _tag: "Body", status, contentType: protobufType, body }
}

export type DecodedBody =
  | { readonly _tag: "Ok"; readonly value: Obj }
  | { readonly _tag: "Error"; readonly message: string }

/**
 * Decodes a protobuf request body as the apiserver does: a decoding failure is worded as its create/update
 * handlers word it (`<Kind> in version "<v>" cannot be handled as a <Kind>: ...`, or `the object provided is
 * unrecognized ...` when the envelope itself is unreadable).
 */
export const decodeBody = (bytes: Uint8Array, expectedApiVersion: string, expectedKind: string): DecodedBody => {
  const c = loadedCodec()
  let envelope: ReturnType<Codec["unwrap"]>
  try {
    const unwrapped = c.unwrap(bytes)
    // An envelope without a type is read as the endpoint's kind, as the apiserver's decoder defaults it.
    envelope = {
      apiVersion: unwrapped.apiVersion === "" ? expectedApiVersion : unwrapped.apiVersion,
      kind: unwrapped.kind === "" ? expectedKind : unwrapped.kind,
      raw: unwrapped.raw
    }
  } catch (e) {
    return {
      _tag: "Error",
      message: `the object provided is unrecognized (must be of type ${expectedKind}): ${messageOf(e)} (${
        summarize(bytes)
      })`
    }
  }
  const handledAs = (msg: string) =>
    `${envelope.kind} in version ${
      JSON.stringify(versionOf(envelope.apiVersion))
    } cannot be handled as a ${expectedKind}: ${msg}`
  const message = c.messageOf(envelope.apiVersion, envelope.kind)
  if (message === undefined) {
    return {
      _tag: "Error",
      message: handledAs(
        `no kind ${JSON.stringify(envelope.kind)} is registered for version ${JSON.stringify(envelope.apiVersion)}`
      )
    }
  }
  try {
    const value = c.decode(message, envelope.raw)
    return { _tag: "Ok", value: { kind: envelope.kind, apiVersion: envelope.apiVersion, ...value } }
  } catch (e) {
    return { _tag: "Error", message: handledAs(messageOf(e)) }
  }
}

/** DeleteOptions in protobuf: one message for every group, whatever the envelope names. */
export const decodeDeleteOptions = (bytes: Uint8Array): DecodedBody => {
  const c = loadedCodec()
  try {
    const { raw } = c.unwrap(bytes)
    return { _tag: "Ok", value: c.decode("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", raw) }
  } catch (e) {
    return { _tag: "Error", message: messageOf(e) }
  }
}

const versionOf = (apiVersion: string) => apiVersion.slice(apiVersion.indexOf("/") + 1)

const messageOf = (e: unknown) => e instanceof ProtoDecodeError ? e.message : e instanceof Error ? e.message : String(e)

/** The apiserver's summary of an undecodable body: JSON text or hex, cut at 30 bytes. */
const summarize = (data: Uint8Array): string => {
  if (data.length === 0) return "<empty>"
  const cut = data.subarray(0, 30)
  const text = data[0] === 0x7b ? Buffer.from(cut).toString("utf8") : Buffer.from(cut).toString("hex")
  return data.length > 30 ? `${text} ...` : text
}
