// The bin's baseline: a node:http script printing GET /version, the job of `effect-kube get --raw /version`.
// argv: server
import * as Http from "node:http"
Http.get(`${process.argv[2]}/version`, (res) => {
  const chunks = []
  res.on("data", (c) => chunks.push(c))
  res.on("end", () => process.stdout.write(Buffer.concat(chunks).toString("utf8")))
}).on("error", (error) => {
  console.error(error)
  process.exitCode = 1
})
