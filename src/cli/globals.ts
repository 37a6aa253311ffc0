/**
 * kubectl's global flags, accepted anywhere on the command line (before or after the command word, `--flag=value`
 * or `--flag value`), taken out of the arguments before the command parses its own flags.
 */
/** A flag's spelling: its long name, optional one-letter short name, and whether it takes a value. */
export interface FlagSpec {
  readonly name: string
  readonly short?: string | undefined
  readonly bool?: boolean | undefined
}

/** What the global flags said. Values are as typed; `requestTimeout` is checked by the commands that send requests. */
export interface GlobalFlags {
  readonly kubeconfig?: string | undefined
  readonly context?: string | undefined
  readonly cluster?: string | undefined
  readonly user?: string | undefined
  readonly namespace?: string | undefined
  readonly server?: string | undefined
  readonly token?: string | undefined
  readonly as?: string | undefined
  readonly asGroups: ReadonlyArray<string>
  readonly asUid?: string | undefined
  readonly certificateAuthority?: string | undefined
  readonly clientCertificate?: string | undefined
  readonly clientKey?: string | undefined
  readonly insecureSkipTlsVerify?: boolean | undefined
  readonly tlsServerName?: string | undefined
  readonly requestTimeout?: string | undefined
  readonly cacheDir?: string | undefined
  /** klog's `-v`: 0 unless given. */
  readonly verbosity: number
}

export const emptyGlobals: GlobalFlags = { asGroups: [], verbosity: 0 }

const specs: ReadonlyArray<FlagSpec & { readonly key: keyof GlobalFlags }> = [
  { name: "kubeconfig", key: "kubeconfig" },
  { name: "context", key: "context" },
  { name: "cluster", key: "cluster" },
  { name: "user", key: "user" },
  { name: "namespace", short: "n", key: "namespace" },
  { name: "server", short: "s", key: "server" },
  { name: "token", key: "token" },
  { name: "as", key: "as" },
  { name: "as-group", key: "asGroups" },
  { name: "as-uid", key: "asUid" },
  { name: "certificate-authority", key: "certificateAuthority" },
  { name: "client-certificate", key: "clientCertificate" },
  { name: "client-key", key: "clientKey" },
  { name: "insecure-skip-tls-verify", bool: true, key: "insecureSkipTlsVerify" },
  { name: "tls-server-name", key: "tlsServerName" },
  { name: "request-timeout", key: "requestTimeout" },
  { name: "cache-dir", key: "cacheDir" },
  { name: "v", short: "v", key: "verbosity" }
]

const byName = new Map(specs.map((s) => [s.name, s]))
const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]))

export interface Extracted {
  readonly globals: GlobalFlags
  /** The command word, if any. */
  readonly command: string | undefined
  /** Everything else, in order: flags before the command word first, then the arguments after it. */
  readonly rest: ReadonlyArray<string>
  /** Every argument but the command word, global flags included (for commands that parse them themselves). */
  readonly raw: ReadonlyArray<string>
}

/**
 * Takes the global flags out of `argv` with pflag's rules. A flag before the command word that is not global is
 * kubectl's plugin error; a global flag without its value is reported as kubectl reports it, with the `See ...`
 * line naming the command when one was found.
 */
export const extractGlobals = (
  argv: ReadonlyArray<string>
): Extracted | {
  readonly error: string
  readonly command: string | undefined
  /** The arguments after the command word that are not flags, up to the error (the subcommand, if any). */
  readonly positional: ReadonlyArray<string>
} => {
  const values: Record<string, unknown> = { asGroups: [] as Array<string>, verbosity: 0 }
  const rest: Array<string> = []
  const raw: Array<string> = []
  let command: string | undefined
  let deferred: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") {
      // Everything after `--` belongs to the command (exec's command line, for one).
      rest.push(...argv.slice(i))
      raw.push(...argv.slice(i))
      break
    }
    let spec: (typeof specs)[number] | undefined
    let inline: string | undefined
    let display = ""
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=")
      spec = byName.get(eq < 0 ? arg.slice(2) : arg.slice(2, eq))
      inline = eq < 0 ? undefined : arg.slice(eq + 1)
      display = `--${spec?.name}`
    } else if (arg.startsWith("-") && arg.length > 1) {
      spec = byShort.get(arg[1]!)
      const tail = arg.slice(2)
      inline = tail === "" ? undefined : tail.startsWith("=") ? tail.slice(1) : tail
      display = `'${arg[1]}' in -${arg[1]}`
    }
    if (spec === undefined) {
      if (command === undefined && arg.startsWith("-") && arg.length > 1) {
        return {
          error: `Error: flags cannot be placed before plugin name: ${arg}`,
          command,
          positional: rest.filter((a) => !a.startsWith("-"))
        }
      }
      if (command === undefined) command = arg
      else {
        rest.push(arg)
        raw.push(arg)
      }
      continue
    }
    raw.push(arg)
    let value: string
    if (spec.bool === true) {
      const text = inline ?? "true"
      if (text !== "true" && text !== "false") {
        // Reported once the whole line is read, so the hint names the command as kubectl's does.
        deferred ??=
          `error: invalid argument "${text}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${text}": invalid syntax`
        continue
      }
      values[spec.key] = text === "true"
      continue
    }
    if (inline !== undefined) value = inline
    else if (i + 1 < argv.length) {
      value = argv[++i]!
      raw.push(value)
    } else {return {
        error: `error: flag needs an argument: ${display}`,
        command,
        positional: rest.filter((a) => !a.startsWith("-"))
      }}
    if (spec.key === "verbosity") {
      if (!/^-?\d+$/.test(value)) {
        // Reported once the whole line is read, so the hint names the command as kubectl's does.
        deferred ??=
          `error: invalid argument "${value}" for "-v, --v" flag: strconv.ParseInt: parsing "${value}": invalid syntax`
        continue
      }
      values.verbosity = Number(value)
    } else if (spec.key === "asGroups") (values.asGroups as Array<string>).push(value)
    else values[spec.key] = value
  }
  if (deferred !== undefined) return { error: deferred, command, positional: rest.filter((a) => !a.startsWith("-")) }
  return { globals: values as unknown as GlobalFlags, command, rest, raw }
}

/**
 * The globals for a command: those the dispatcher parsed, or (a command called directly, as in tests) those in its
 * own arguments.
 */
export const resolveGlobals = (
  args: ReadonlyArray<string>,
  given: GlobalFlags | undefined
): { readonly globals: GlobalFlags; readonly rest: ReadonlyArray<string> } | { readonly error: string } => {
  if (given !== undefined) return { globals: given, rest: args }
  const extracted = extractGlobals(["-", ...args])
  if ("error" in extracted) return { error: extracted.error }
  return { globals: extracted.globals, rest: extracted.rest }
}
