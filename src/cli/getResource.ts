/**
 * `effect-kube get RESOURCE [NAME...]`: kubectl's get, resolving resource arguments (short names, kinds,
 * `deployments.apps`, categories such as `all`) through the RestMapper and reading through the RestClient and
 * DynamicClient.
 *
 * Output as kubectl prints it: the server's meta.k8s.io Table by default (`-o wide` adds the low-priority
 * columns, `-A` a NAMESPACE column, several types prefix names with `kind.group/`), `-o json|yaml` (a `List` for
 * anything but one named object, keys sorted as Go prints maps; managedFields left out, as kubectl leaves them out
 * without --show-managed-fields), `-o jsonpath=...` (./jsonPath.ts, over the same object or List), `-o name`;
 * `-w` keeps watching and prints each
 * change as a row. Errors and exit codes follow kubectl.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as YAML from "yaml"
import * as DynamicClient from "../DynamicClient.js"
import { isNotFound } from "../KubeError.js"
import * as KubeRequest from "../KubeRequest.js"
import * as RestClient from "../RestClient.js"
import * as RestMapper from "../RestMapper.js"
import type { Unstructured } from "../Unstructured.js"
import type { Command } from "./command.js"
import { describeFailure } from "./failure.js"
import * as JsonPath from "./jsonPath.js"
import { CliError, commandWith, commonFlags, layer, parseArgs, stackOptions, tabwrite } from "./stack.js"

const tableAccept =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

const flags = [
  ...commonFlags,
  { name: "all-namespaces", short: "A", bool: true },
  { name: "selector", short: "l" },
  { name: "field-selector" },
  { name: "output", short: "o" },
  { name: "template" },
  { name: "show-managed-fields", bool: true },
  { name: "watch", short: "w", bool: true },
  { name: "no-headers", bool: true },
  { name: "chunk-size" }
]

interface Column {
  readonly name: string
  readonly priority: number
}

interface TableRow {
  readonly cells: ReadonlyArray<unknown>
  readonly namespace: string | undefined
}

interface Table {
  readonly columns: ReadonlyArray<Column>
  readonly rows: ReadonlyArray<TableRow>
  readonly resourceVersion: string | undefined
  readonly continue: string | undefined
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const parseTable = (json: unknown): Table => {
  const doc = isRecord(json) ? json : {}
  const columns = (Array.isArray(doc.columnDefinitions) ? doc.columnDefinitions : []).filter(isRecord).map((c) => ({
    name: typeof c.name === "string" ? c.name : "",
    priority: typeof c.priority === "number" ? c.priority : 0
  }))
  const rows = (Array.isArray(doc.rows) ? doc.rows : []).filter(isRecord).map((r) => {
    const object = isRecord(r.object) ? r.object : {}
    const metadata = isRecord(object.metadata) ? object.metadata : {}
    return {
      cells: Array.isArray(r.cells) ? r.cells : [],
      namespace: typeof metadata.namespace === "string" ? metadata.namespace : undefined
    }
  })
  const metadata = isRecord(doc.metadata) ? doc.metadata : {}
  return {
    columns,
    rows,
    resourceVersion: typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : undefined,
    continue: typeof metadata.continue === "string" && metadata.continue !== "" ? metadata.continue : undefined
  }
}

/** kubectl's cell printing: strings cut at the first line break (marked `...`), everything else as Go prints it. */
const cellText = (cell: unknown): string => {
  if (typeof cell === "string") {
    const cut = cell.search(/[\f\n\r]/)
    return cut < 0 ? cell : cell.slice(0, cut) + "..."
  }
  if (cell === null || cell === undefined) return "<nil>"
  return String(cell)
}

interface TableOptions {
  readonly wide: boolean
  readonly withNamespace: boolean
  readonly kindPrefix: string | undefined
  readonly headers: boolean
}

const tableLines = (columns: ReadonlyArray<Column>, rows: ReadonlyArray<TableRow>, o: TableOptions) => {
  const shown = columns.map((c, i) => ({ c, i })).filter(({ c }) => o.wide || c.priority === 0)
  const out: Array<Array<string>> = []
  if (o.headers) out.push([...(o.withNamespace ? ["NAMESPACE"] : []), ...shown.map(({ c }) => c.name.toUpperCase())])
  for (const row of rows) {
    out.push([
      ...(o.withNamespace ? [row.namespace ?? ""] : []),
      ...shown.map(({ i }, n) => {
        const text = cellText(row.cells[i])
        return n === 0 && o.kindPrefix !== undefined ? `${o.kindPrefix}/${text}` : text
      })
    ])
  }
  return out
}

/** Go's encoding/json escapes these even in indented output. */
const goJson = (value: unknown): string =>
  JSON.stringify(value, null, 4).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  )

const withoutManagedFields = (obj: Unstructured): Unstructured => {
  if (obj.metadata === undefined || !("managedFields" in obj.metadata)) return obj
  const { managedFields: _m, ...metadata } = obj.metadata
  return { ...obj, metadata }
}

/** Go marshals maps with sorted keys, so kubectl's JSON and YAML list fields alphabetically. */
const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key])
  return out
}

const kindPrefixOf = (mapping: RestMapper.RestMapping): string => {
  const kind = mapping.groupVersionKind.kind.toLowerCase()
  return mapping.resource.group === "" ? kind : `${kind}.${mapping.resource.group}`
}

/** `get RESOURCE ...` (the arguments after `get`); returns the exit code. */
export const getResource: Command = commandWith("get", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube get --help' for usage.`)
      return 1
    }
    const format = parsed.values.get("output") ?? ""
    const jsonPathOutput = /^(jsonpath|jsonpath-as-json|jsonpath-file)(?:=(.*))?$/s.exec(format)
    const output = jsonPathOutput === null ? format : "jsonpath"
    if (!["", "wide", "json", "yaml", "name", "jsonpath"].includes(output)) {
      yield* Console.error(
        `error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml`
      )
      return 1
    }
    let template: JsonPath.Template | undefined
    if (jsonPathOutput !== null) {
      let source = jsonPathOutput[2] ?? parsed.values.get("template") ?? ""
      if (source === "") {
        yield* Console.error("error: template format specified but no template given")
        return 1
      }
      if (jsonPathOutput[1] === "jsonpath-file") {
        const file = source
        const fs = yield* FileSystem.FileSystem
        const read = yield* Effect.either(fs.readFileString(file))
        if (Either.isLeft(read)) {
          yield* Console.error(`error: error reading --template ${file}, open ${file}: no such file or directory`)
          return 1
        }
        source = read.right
      }
      try {
        template = JsonPath.parse(source)
      } catch (e) {
        yield* Console.error(`error: error parsing jsonpath ${source}, ${e instanceof Error ? e.message : String(e)}`)
        return 1
      }
    }
    const showManagedFields = parsed.bools.get("show-managed-fields") === true
    const [typeArg, ...nameArgs] = parsed.positional
    if (typeArg === undefined) {
      yield* Console.error(
        "You must specify the type of resource to get. Use \"effect-kube api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified."
      )
      return 1
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    // `TYPE/NAME` arguments, as kubectl accepts them.
    const requests: Array<{ readonly type: string; readonly names: ReadonlyArray<string> }> = []
    if (typeArg.includes("/")) {
      for (const arg of [typeArg, ...nameArgs]) {
        const slash = arg.indexOf("/")
        if (slash < 0) {
          yield* Console.error(
            `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'effect-kube get resource/<resource_name>' instead of 'effect-kube get resource resource/<resource_name>'`
          )
          return 1
        }
        requests.push({ type: arg.slice(0, slash), names: [arg.slice(slash + 1)] })
      }
    } else {
      for (const type of typeArg.split(",").filter((t) => t !== "")) requests.push({ type, names: nameArgs })
    }
    const allNamespaces = parsed.bools.get("all-namespaces") === true
    const listOptions: KubeRequest.ListOptions = {
      labelSelector: parsed.values.get("selector"),
      fieldSelector: parsed.values.get("field-selector")
    }
    const watch = parsed.bools.get("watch") === true
    const headers = parsed.bools.get("no-headers") !== true

    return yield* Effect.gen(function*() {
      const mapper = yield* RestMapper.RestMapper
      const rest = yield* RestClient.RestClient
      const dynamic = yield* DynamicClient.DynamicClient
      const namespace = rest.config.namespace

      const targets: Array<{ readonly mapping: RestMapper.RestMapping; readonly names: ReadonlyArray<string> }> = []
      for (const r of requests) {
        const category = r.type.includes(".") ? [] : yield* mapper.expandCategory(r.type)
        if (category.length > 0) {
          for (const mapping of category) targets.push({ mapping, names: r.names })
          continue
        }
        const resolved = yield* Effect.either(mapper.resolve(r.type))
        if (Either.isLeft(resolved)) {
          const e = resolved.left
          if (e._tag === "NoResourceMatch" || e._tag === "NoKindMatch") return yield* CliError.unknownType(r.type)
          return yield* Effect.fail(e)
        }
        targets.push({ mapping: resolved.right, names: r.names })
      }
      const several = targets.length > 1
      const scope = (m: RestMapper.RestMapping) => m.namespaced && !allNamespaces ? namespace : undefined
      const errors: Array<string> = []

      const targetOf = (m: RestMapper.RestMapping, name?: string): KubeRequest.Target => ({
        group: m.resource.group,
        version: m.resource.version,
        resource: m.resource.resource,
        namespace: scope(m),
        name
      })

      // Named objects that do not exist are reported after the output, as kubectl does.
      const orReport = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.catchIf(
          Effect.map(effect, (a): A | undefined => a),
          isNotFound,
          (e) => Effect.as(Effect.sync(() => errors.push(describeFailure(e))), undefined)
        )

      const finish = (printedSomething: boolean) =>
        Effect.gen(function*() {
          if (!printedSomething && errors.length === 0 && targets.every((t) => t.names.length === 0)) {
            const namespaced = targets.some((t) => t.mapping.namespaced) && !allNamespaces
            yield* Console.error(namespaced ? `No resources found in ${namespace} namespace.` : "No resources found")
          }
          for (const e of errors) yield* Console.error(e)
          return errors.length > 0 ? 1 : 0
        })

      if (output === "json" || output === "yaml" || output === "name" || output === "jsonpath") {
        const objects: Array<Unstructured> = []
        for (const { mapping, names } of targets) {
          const base = dynamic.resource(mapping.resource)
          const client = scope(mapping) === undefined ? base : base.namespace(scope(mapping)!)
          if (names.length > 0) {
            for (const name of names) {
              const obj = yield* orReport(client.get(name))
              if (obj !== undefined) objects.push(obj)
            }
          } else {
            const items = yield* Stream.runCollect(client.listAll(listOptions))
            objects.push(...items)
          }
        }
        const single = targets.length === 1 && targets[0]!.names.length === 1 && objects.length === 1
        if (output === "name") {
          for (const obj of objects) {
            const m = targets.find((t) => t.mapping.groupVersionKind.kind === obj.kind)?.mapping ?? targets[0]!.mapping
            yield* Console.log(`${kindPrefixOf(m)}/${String(obj.metadata?.name ?? "")}`)
          }
          return yield* finish(objects.length > 0)
        }
        if (objects.length === 0 && errors.length > 0) return yield* finish(false)
        const shown = showManagedFields || output === "jsonpath" ? objects : objects.map(withoutManagedFields)
        const value = sortKeys(
          single ? shown[0] : { apiVersion: "v1", items: shown, kind: "List", metadata: { resourceVersion: "" } }
        )
        if (template !== undefined) {
          const printed = Either.try({
            try: () => JsonPath.execute(template, value, jsonPathOutput?.[1] === "jsonpath-as-json"),
            catch: (e) => e instanceof JsonPath.JsonPathError ? JsonPath.executionError(template, e, value) : String(e)
          })
          if (Either.isLeft(printed)) {
            yield* Console.error(`error: ${printed.left}`)
            return 1
          }
          yield* Effect.sync(() => void process.stdout.write(printed.right))
        } else if (output === "json") yield* Console.log(goJson(value))
        else {yield* Console.log(
            YAML.stringify(value, { indentSeq: false, lineWidth: 0, version: "1.1" }).replace(/\n$/, "")
          )}
        if (!single && objects.length === 0) return yield* finish(false)
        return yield* finish(true)
      }

      // Table output.
      const fetchTable = (request: KubeRequest.KubeRequest) =>
        Effect.flatMap(
          rest.executeRaw(KubeRequest.header(request, "accept", tableAccept)),
          (response) =>
            Effect.try({
              try: () => parseTable(JSON.parse(response.text)),
              catch: () => new CliError({ message: `the server returned an unreadable Table for ${request.resource}` })
            })
        )
      let printed = false
      let lastResourceVersion: string | undefined
      for (const { mapping, names } of targets) {
        const withNamespace = allNamespaces && mapping.namespaced
        const o: TableOptions = {
          wide: output === "wide",
          withNamespace,
          kindPrefix: several ? kindPrefixOf(mapping) : undefined,
          headers
        }
        let columns: ReadonlyArray<Column> = []
        const rows: Array<TableRow> = []
        if (names.length > 0) {
          for (const name of names) {
            const table = yield* orReport(fetchTable(KubeRequest.get(targetOf(mapping, name))))
            if (table === undefined) continue
            columns = table.columns
            rows.push(...table.rows)
          }
        } else {
          let token: string | undefined
          let pages = 0
          do {
            const request = KubeRequest.listOptions(KubeRequest.list(targetOf(mapping)), {
              ...listOptions,
              limit: 500,
              continue: token
            })
            const table = yield* fetchTable(request)
            if (table.columns.length > 0) columns = table.columns
            rows.push(...table.rows)
            lastResourceVersion = table.resourceVersion
            token = table.continue
            pages++
          } while (token !== undefined && pages < 10_000)
        }
        if (rows.length === 0) continue
        if (printed) yield* Console.log("")
        yield* Console.log(tabwrite(tableLines(columns, rows, o)))
        printed = true
      }
      if (!watch) return yield* finish(printed)
      if (!printed) yield* finish(false)
      // -w: one type; follow the list's resourceVersion and print each change as it arrives.
      const { mapping, names } = targets[0]!
      const o: TableOptions = {
        wide: output === "wide",
        withNamespace: allNamespaces && mapping.namespaced,
        kindPrefix: undefined,
        headers: false
      }
      const watchRequest = KubeRequest.watch(targetOf(mapping)).pipe(
        KubeRequest.listOptions({
          ...listOptions,
          fieldSelector: names.length === 1 ? `metadata.name=${names[0]}` : listOptions.fieldSelector,
          resourceVersion: lastResourceVersion
        }),
        KubeRequest.header("accept", tableAccept),
        KubeRequest.timeout(undefined)
      )
      yield* rest.stream(watchRequest).pipe(
        RestClient.lines,
        Stream.filter((line) => line.trim() !== ""),
        Stream.runForEach((line) =>
          Effect.gen(function*() {
            const event = yield* Effect.try({
              try: () => JSON.parse(line) as { readonly type?: unknown; readonly object?: unknown },
              catch: () => new CliError({ message: "the watch sent a line that is not JSON" })
            })
            if (event.type === "ERROR") {
              const status = isRecord(event.object) ? event.object : {}
              return yield* new CliError({ message: String(status.message ?? "watch failed") })
            }
            if (event.type === "BOOKMARK") return
            const table = parseTable(event.object)
            if (table.rows.length > 0) yield* Console.log(tabwrite(tableLines(table.columns, table.rows, o)))
          })
        )
      )
      return 0
    }).pipe(Effect.provide(layer(options)))
  }))

/** The same as {@link getResource}, under the name the CLI dispatcher looks for. */
export const command: Command = getResource
