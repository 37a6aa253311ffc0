/**
 * TLS material for `listen({ https: true })`: a self-signed CA and a server certificate for 127.0.0.1 and
 * localhost, made with the `openssl` CLI (Node has no API to issue X.509 certificates). P-256 keys keep this
 * well under a second; the result is memoised per process so every HTTPS server in a test run shares one CA.
 */
import { execFile } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

export interface ServerTls {
  readonly caPem: string
  readonly certPem: string
  readonly keyPem: string
}

const caExt = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
`

const generate = async (): Promise<ServerTls> => {
  const dir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "fake-apiserver-tls-"))
  try {
    const file = (name: string) => Path.join(dir, name)
    await Fs.writeFile(file("openssl.cnf"), caExt)
    const curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    await run("openssl", [
      "req",
      "-x509",
      ...curve,
      "-keyout",
      file("ca.key"),
      "-out",
      file("ca.crt"),
      "-days",
      "3650",
      "-subj",
      "/CN=effect-kube-fake-apiserver-ca",
      "-config",
      file("openssl.cnf"),
      "-extensions",
      "ca_ext"
    ])
    await run("openssl", [
      "req",
      "-new",
      ...curve,
      "-keyout",
      file("server.key"),
      "-out",
      file("server.csr"),
      "-subj",
      "/CN=fake-apiserver",
      "-config",
      file("openssl.cnf")
    ])
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      file("server.csr"),
      "-CA",
      file("ca.crt"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-out",
      file("server.crt"),
      "-days",
      "825",
      "-extfile",
      file("openssl.cnf"),
      "-extensions",
      "server_ext"
    ])
    const [caPem, certPem, keyPem] = await Promise.all([
      Fs.readFile(file("ca.crt"), "utf8"),
      Fs.readFile(file("server.crt"), "utf8"),
      Fs.readFile(file("server.key"), "utf8")
    ])
    return { caPem, certPem, keyPem }
  } finally {
    await Fs.rm(dir, { recursive: true, force: true })
  }
}

let cached: Promise<ServerTls> | undefined

/** The process-wide CA and server certificate; a failed attempt is not cached. */
export const serverTls = (): Promise<ServerTls> => {
  if (cached === undefined) {
    cached = generate()
    cached.catch(() => {
      cached = undefined
    })
  }
  return cached
}
