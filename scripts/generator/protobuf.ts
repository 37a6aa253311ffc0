/**
 * Protobuf codec tables from the Kubernetes `generated.proto` files, cross-checked with the OpenAPI spec: per message
 * its fields (JSON name, number, wire type, referenced message), and the message of every built-in kind. The fake
 * apiserver's codec (src/internal/protobuf) reads them; only facts (names, numbers, types) are taken.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { SwaggerSpec } from "./spec.js"
import { loadSpec } from "./spec.js"

/** The bundled proto folder sits in `shared/` beside the repository; `EFFECT_KUBE_PROTO` points elsewhere. */
export const defaultProtoRoot = (): string => {
  const fromEnv = process.env["EFFECT_KUBE_PROTO"]
  if (fromEnv !== undefined) return fromEnv
  const here = Path.dirname(fileURLToPath(import.meta.url))
  // The repository checkout, or a worktree one level further down.
  const candidates = [
    Path.resolve(here, "../../../shared/kubernetes-proto"),
    Path.resolve(here, "../../../../shared/kubernetes-proto")
  ]
  return candidates.find((c) => Fs.existsSync(c)) ?? candidates[0]!
}

interface ProtoField {
  readonly name: string
  readonly number: number
  readonly label: "optional" | "repeated" | "map"
  readonly type: string
  readonly mapValue?: string
}

interface ProtoMessage {
  readonly fullName: string
  readonly fields: Array<ProtoField>
}

const scalars = new Set(["string", "bool", "int32", "int64", "bytes", "double", "float", "uint32", "uint64"])

const listProtoFiles = (dir: string): Array<string> => {
  const out: Array<string> = []
  for (const entry of Fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = Path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listProtoFiles(full))
    else if (entry.name.endsWith(".proto")) out.push(full)
  }
  return out
}

/** Parses the proto2 subset the Kubernetes files use: flat messages of optional, repeated and map fields. */
export const parseProtoFile = (file: string, text: string): Array<ProtoMessage> => {
  const body = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(body)?.[1]
  if (pkg === undefined) throw new Error(`${file}: no package statement`)
  const resolve = (t: string) => (scalars.has(t) ? t : t.startsWith(".") ? t.slice(1) : `${pkg}.${t}`)
  const messages: Array<ProtoMessage> = []
  const re = /message\s+(\w+)\s*\{([^{}]*)\}/g
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    const fields: Array<ProtoField> = []
    for (const raw of m[2]!.split(";")) {
      const line = raw.trim()
      if (line === "") continue
      const map = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(line)
      if (map !== null) {
        if (map[1] !== "string") throw new Error(`${file}: ${m[1]}.${map[3]}: map keys other than string`)
        fields.push({ name: map[3]!, number: Number(map[4]), label: "map", type: "string", mapValue: resolve(map[2]!) })
        continue
      }
      const f = /^(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)$/.exec(line)
      if (f === null) throw new Error(`${file}: ${m[1]}: cannot read field "${line}"`)
      fields.push({ name: f[3]!, number: Number(f[4]), label: f[1] as "optional" | "repeated", type: resolve(f[2]!) })
    }
    messages.push({ fullName: `${pkg}.${m[1]}`, fields: fields.sort((a, b) => a.number - b.number) })
  }
  return messages
}

/** OpenAPI definition name of a proto message: `k8s.io.api.apps.v1.X` -> `io.k8s.api.apps.v1.X`. */
const definitionName = (fullName: string) => fullName.replace(/^k8s\.io\./, "io.k8s.")

export interface ProtobufTables {
  /** message -> [jsonName, number, type, flags] rows; type is a scalar or a message name. */
  readonly messages: Record<string, ReadonlyArray<readonly [string, number, string, string]>>
  /** "group/version/Kind" -> message. */
  readonly kinds: Record<string, string>
  /** Messages whose JSON form is the array of their only `items` field. */
  readonly wrappers: ReadonlyArray<string>
}

export const buildProtobufTables = (root: string, spec: SwaggerSpec): ProtobufTables => {
  if (!Fs.existsSync(root)) throw new Error(`proto folder not found: ${root} (set EFFECT_KUBE_PROTO)`)
  const definitions = spec.definitions ?? {}
  const all = new Map<string, ProtoMessage>()
  for (const file of listProtoFiles(root)) {
    for (const msg of parseProtoFile(Path.relative(root, file), Fs.readFileSync(file, "utf8"))) {
      all.set(msg.fullName, msg)
    }
  }
  const messages: Record<string, Array<readonly [string, number, string, string]>> = {}
  const wrappers: Array<string> = []
  for (const [name, msg] of [...all].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const def = definitions[definitionName(name)]
    const only = msg.fields[0]
    if (def === undefined && msg.fields.length === 1 && only?.name === "items" && only.label === "repeated") {
      wrappers.push(name)
    }
    const required = new Set(def?.required ?? [])
    const properties = Object.keys(def?.properties ?? {})
    messages[name] = msg.fields.map((f) => {
      const type = f.label === "map" ? f.mapValue! : f.type
      if (!scalars.has(type) && !all.has(type)) throw new Error(`${name}.${f.name}: unknown message ${type}`)
      let jsonName = f.name
      let inline = false
      if (def?.properties !== undefined && !properties.includes(f.name)) {
        // The proto name is the Go field name where the JSON tag differs only in case (Webhooks, uID, aPIGroup);
        // an embedded Go struct has its fields inlined in JSON.
        const folded = properties.find((p) => p.toLowerCase() === f.name.toLowerCase())
        if (folded !== undefined) jsonName = folded
        else if (!scalars.has(type) && f.label === "optional") inline = true
        else throw new Error(`${name}.${f.name}: no such property in ${definitionName(name)}`)
      }
      // r: repeated, m: map, i: inlined embedded struct, q: required by the OpenAPI schema (no omitempty in Go).
      const flags = (f.label === "repeated" ? "r" : f.label === "map" ? "m" : "") + (inline ? "i" : "") +
        (required.has(jsonName) ? "q" : "")
      return [jsonName, f.number, type, flags] as const
    })
  }
  const kinds: Record<string, string> = {}
  for (const [defName, def] of Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const message = defName.replace(/^io\.k8s\./, "k8s.io.")
    if (!all.has(message)) continue
    for (const gvk of def["x-kubernetes-group-version-kind"] ?? []) {
      kinds[`${gvk.group}/${gvk.version}/${gvk.kind}`] = message
    }
  }
  return { messages, kinds, wrappers }
}

export const renderProtobufTables = (header: string, tables: ProtobufTables): string =>
  `${header}
/**
 * Protobuf codec tables of the built-in kinds; loaded lazily by the fake apiserver only.
 *
 * @since 0.2.0
 * @category constants
 */
export const tables: {
  readonly messages: Readonly<Record<string, ReadonlyArray<readonly [string, number, string, string]>>>
  readonly kinds: Readonly<Record<string, string>>
  readonly wrappers: ReadonlyArray<string>
} = JSON.parse(${JSON.stringify(JSON.stringify(tables))})
`

/** The generated tables module, from the proto folder and the spec file. */
export const protobufTablesFile = (specFile: string, protoRoot = defaultProtoRoot()): string =>
  renderProtobufTables(
    "// Code generated by scripts/generator/protobuf.ts from the Kubernetes generated.proto files. DO NOT EDIT.\n" +
      "// dprint-ignore-file",
    buildProtobufTables(protoRoot, loadSpec(specFile))
  )
