/**
 * A throw-away PKI for tests, made with the `openssl` CLI in a temp dir: a CA, a server certificate for 127.0.0.1
 * (and `localhost`), a client certificate, and `issue` / `makeCa` for anything else (a DNS-only server certificate,
 * a second CA for mismatch tests). Keys are P-256, so a full set takes well under a second. Certificates are valid
 * for two days.
 *
 * ```ts
 * const pki = await makePki()          // in beforeAll
 * https.createServer({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key, requestCert: true })
 * await removePki(pki)                 // in afterAll
 * ```
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

/** PEM text and the files it was written to. */
export interface KeyPair {
  readonly cert: string
  readonly key: string
  readonly certFile: string
  readonly keyFile: string
}

export interface IssueOptions {
  /** File name stem: `<name>.crt`, `<name>.key`. */
  readonly name: string
  readonly commonName: string
  /** Kubernetes reads O as the user's groups. */
  readonly organization?: string
  readonly usage: "server" | "client"
  readonly dnsNames?: ReadonlyArray<string>
  readonly ipAddresses?: ReadonlyArray<string>
}

export interface TestPki {
  readonly dir: string
  readonly ca: KeyPair
  /** serverAuth, SANs IP:127.0.0.1 and DNS:localhost. */
  readonly server: KeyPair
  /** clientAuth, CN=test-user, O=system:masters. */
  readonly client: KeyPair
  /** Issues another certificate signed by `ca`. */
  readonly issue: (options: IssueOptions) => Promise<KeyPair>
}

const config = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`

const keyArgs = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

const readPair = async (certFile: string, keyFile: string): Promise<KeyPair> => ({
  cert: await fs.readFile(certFile, "utf8"),
  key: await fs.readFile(keyFile, "utf8"),
  certFile,
  keyFile
})

const ensureConfig = async (dir: string): Promise<string> => {
  const file = path.join(dir, "openssl.cnf")
  await fs.writeFile(file, config)
  return file
}

/** A self-signed CA in `dir`. */
export const makeCa = async (dir: string, name = "ca", commonName = "effect-kube test CA"): Promise<KeyPair> => {
  const cnf = await ensureConfig(dir)
  const certFile = path.join(dir, `${name}.crt`)
  const keyFile = path.join(dir, `${name}.key`)
  await run("openssl", [
    "req",
    "-x509",
    "-new",
    ...keyArgs,
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    `/CN=${commonName}`,
    "-config",
    cnf,
    "-extensions",
    "ca_ext"
  ])
  return readPair(certFile, keyFile)
}

/** A leaf certificate signed by `ca`, written to `dir`. */
export const issueCert = async (ca: KeyPair, dir: string, options: IssueOptions): Promise<KeyPair> => {
  const cnf = await ensureConfig(dir)
  const certFile = path.join(dir, `${options.name}.crt`)
  const keyFile = path.join(dir, `${options.name}.key`)
  const csrFile = path.join(dir, `${options.name}.csr`)
  const extFile = path.join(dir, `${options.name}.ext`)
  const sans = [
    ...(options.dnsNames ?? []).map((name) => `DNS:${name}`),
    ...(options.ipAddresses ?? []).map((ip) => `IP:${ip}`)
  ]
  await fs.writeFile(
    extFile,
    [
      "[leaf]",
      "basicConstraints = CA:FALSE",
      "keyUsage = critical,digitalSignature,keyEncipherment",
      `extendedKeyUsage = ${options.usage === "server" ? "serverAuth" : "clientAuth"}`,
      ...(sans.length > 0 ? [`subjectAltName = ${sans.join(",")}`] : []),
      ""
    ].join("\n")
  )
  const subject = `/CN=${options.commonName}${options.organization ? `/O=${options.organization}` : ""}`
  await run("openssl", [
    "req",
    "-new",
    ...keyArgs,
    "-keyout",
    keyFile,
    "-out",
    csrFile,
    "-subj",
    subject,
    "-config",
    cnf
  ])
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csrFile,
    "-CA",
    ca.certFile,
    "-CAkey",
    ca.keyFile,
    "-set_serial",
    String(Math.floor(Math.random() * 2 ** 48)),
    "-days",
    "2",
    "-extfile",
    extFile,
    "-extensions",
    "leaf",
    "-out",
    certFile
  ])
  return readPair(certFile, keyFile)
}

/** A CA with a 127.0.0.1 server certificate and a client certificate, in a fresh temp dir. */
export const makePki = async (): Promise<TestPki> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "effect-kube-pki-"))
  const ca = await makeCa(dir)
  const issue = (options: IssueOptions) => issueCert(ca, dir, options)
  const [server, client] = await Promise.all([
    issue({
      name: "server",
      commonName: "127.0.0.1",
      usage: "server",
      ipAddresses: ["127.0.0.1"],
      dnsNames: ["localhost"]
    }),
    issue({ name: "client", commonName: "test-user", organization: "system:masters", usage: "client" })
  ])
  return { dir, ca, server, client, issue }
}

export const removePki = (pki: TestPki): Promise<void> => fs.rm(pki.dir, { recursive: true, force: true })
