// Cold start of the baseline: import node:http, GET one pod, JSON.parse. Prints one JSON line of timings.
// argv: server kubeconfig namespace name (the kubeconfig is unused: the baseline takes the URL as given)
const start = performance.now()
const [server, , namespace, name] = process.argv.slice(2)
const Http = await import("node:http")
const imported = performance.now()
const pod = await new Promise((resolve, reject) => {
  Http.get(
    `${server}/api/v1/namespaces/${namespace}/pods/${name}`,
    { headers: { accept: "application/json" } },
    (res) => {
      const chunks = []
      res.on("data", (c) => chunks.push(c))
      res.on("error", reject)
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))))
    }
  ).on("error", reject)
})
const done = performance.now()
if (pod.metadata?.name !== name) throw new Error("unexpected pod")
console.log(JSON.stringify({ importMs: imported - start, firstRequestMs: done - imported, sinceProcessStart: done }))
process.exit(0)
