import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as YAML from "yaml"
import { makeFastYaml } from "../src/internal/kubeconfig/fastYaml.js"
import { goYamlTags } from "../src/internal/kubeconfig/load.js"

const fast = makeFastYaml()
const full = (text: string) =>
  YAML.parse(text, { version: "1.1", uniqueKeys: false, prettyErrors: false, merge: true, customTags: goYamlTags })

const fixtures = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "fixtures", "kubeconfig")

const typical = `apiVersion: v1
kind: Config
# a comment line
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: QUJDRA==
    insecure-skip-tls-verify: false
  - ignored: no
users:
  - name: admin
    user:
      token: "abc.def"
      username: 'o''brien'
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: aws
        args:
        - eks
        -   get-token
        env: []
contexts:
- name: prod
  context: {cluster: prod, user: admin}
preferences: {}
current-context: prod
`

describe("the fast kubeconfig YAML reader", () => {
  it("reads a typical kubeconfig exactly as the full parser does", () => {
    const doc = typical.replace("  - ignored: no\n", "").replace("{cluster: prod, user: admin}", "\n    cluster: prod")
    expect(fast(doc)).toBeDefined()
    expect(fast(doc)).toEqual(full(doc))
  })

  it("agrees with the full parser on every fixture it accepts, and accepts the plain ones", () => {
    let accepted = 0
    for (const file of Fs.readdirSync(fixtures)) {
      if (!Fs.statSync(Path.join(fixtures, file)).isFile()) continue
      const text = Fs.readFileSync(Path.join(fixtures, file), "utf8")
      const doc = fast(text)
      if (doc === undefined) continue
      accepted++
      expect(doc, file).toEqual(full(text))
    }
    expect(accepted).toBeGreaterThan(3)
  })

  it("resolves plain scalars through the same YAML 1.1 tags (go-yaml's reading)", () => {
    const scalars = [
      "e0",
      "e1",
      "E0",
      "e10",
      "1e3",
      "1.5e3",
      ".5",
      "1.",
      "+1",
      "-1",
      "0",
      "017",
      "0o17",
      "0x1F",
      "0b101",
      "1_000",
      "1:20",
      "2001-12-14",
      "2001-12-14t21:59:43.10-05:00",
      "yes",
      "No",
      "ON",
      "off",
      "y",
      "n",
      "true",
      "False",
      "~",
      "null",
      "Null",
      ".inf",
      "-.Inf",
      ".NaN",
      "v1",
      "https://a:1/b?c=d#e",
      "a,b",
      "a[0]",
      "%x",
      "x%"
    ]
    for (const s of scalars) {
      const text = `key: ${s}\nlist:\n- ${s}\n`
      const doc = fast(text)
      if (doc !== undefined) expect(doc, s).toEqual(full(text))
    }
    expect(fast("key: e1\n")).toEqual({ key: "e1" })
    expect(fast("key: yes\n")).toEqual({ key: true })
    expect(fast("key: off\nk: ~\n")).toEqual({ key: false, k: null })
    // Numbers (and anything else starting with a sign, dot or digit) are the full parser's.
    expect(fast("key: 0o17\n")).toBeUndefined()
    expect(fast("key: 1\n")).toBeUndefined()
  })

  it("leaves everything outside its subset to the full parser", () => {
    const outside = [
      typical,
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: |\n  text\n",
      "a: >\n  text\n",
      "a: b # comment\n",
      "a: \"esc\\n\"\n",
      "a:\tb\n",
      "a: b\n  continued\n",
      "---\na: b\n",
      "a: [1, 2]\n",
      "- a\n- b\n",
      "a:\n- - x\n",
      "<<: {a: 1}\n",
      "? complex\n: key\n",
      "a b: c\n",
      "true: x\n",
      "__proto__: x\n",
      "a: b: c\n",
      "a: 'unterminated\n",
      "\uFEFFa: b\n",
      ""
    ]
    for (const text of outside) expect(fast(text), JSON.stringify(text)).toBeUndefined()
  })

  it("never disagrees on small generated documents (bounded: 300 documents)", () => {
    const atoms = ["a", "e1", "1", "yes", "'q'", "\"d\"", "{}", "[]", "~", "x-y", ""]
    let seed = 7
    let taken = 0
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (let round = 0; round < 300; round++) {
      const lines: Array<string> = []
      const emit = (indent: number, depth: number) => {
        const count = 1 + next(3)
        const asList = depth > 0 && next(2) === 0
        for (let i = 0; i < count; i++) {
          const pad = " ".repeat(indent)
          const atom = atoms[next(atoms.length)]!
          const lead = asList ? `${pad}- ` : pad
          if (depth < 3 && atom === "") {
            lines.push(`${lead}k${i}:`)
            emit(indent + 2 + (asList ? 2 : 0), depth + 1)
          } else {
            lines.push(`${lead}k${i}: ${atom}`.trimEnd())
          }
        }
      }
      emit(0, 0)
      const text = lines.join("\n") + "\n"
      const doc = fast(text)
      let expected: unknown
      try {
        expected = full(text)
      } catch {
        expect(doc, text).toBeUndefined()
        continue
      }
      if (doc === undefined) continue
      taken++
      expect(doc, text).toEqual(expected)
    }
    expect(taken).toBeGreaterThan(100)
  })
})
