// Profiling helper (not part of `npm run bench`): starts the bench server, runs one contender operation a few
// times in this process, so `node --cpu-prof --import tsx bench/profile.ts <contender> <op>`
// profiles just that. ops: list1k, list10k, paged, get, get16, watch, watch1k (the updates an informerWatch sees, as a
// plain watch), informerSync (10k pods), informerWatch. GETs: PROFILE_GETS requests per repeat (default 3000, within 60 s), and the line
// printed gives the process's CPU time per request.
import type { Contender } from "./contender.js"
import { startLocalServer } from "./localServer.js"

const [contenderName = "effect-kube", op = "list10k", repeatArg = "3"] = process.argv.slice(2)
const repeat = Number(repeatArg)

const info = await startLocalServer(process.env.WATCH_EVENTS ?? "20000")
const target = { server: info.server, kubeconfig: info.kubeconfig }
const contender: Contender = contenderName === "raw"
  ? await (await import("./contenders/raw.js")).make(target)
  : contenderName === "client-node"
  ? await (await import("./contenders/clientNode.js")).make(target)
  : contenderName === "effect-kube-rest"
  ? await (await import("./contenders/effectKube.js")).makeRest(target)
  : await (await import("./contenders/effectKube.js")).makeTyped(target)

try {
  for (let i = 0; i < repeat; i++) {
    const start = performance.now()
    const cpu = process.cpuUsage()
    let detail = ""
    switch (op) {
      case "list1k":
        detail = `${(await contender.list("pods-1k")).length} items`
        break
      case "list10k":
        detail = `${(await contender.list("pods-10k")).length} items`
        break
      case "paged":
        detail = `${(await contender.listPaged("pods-10k", 500)).length} items`
        break
      case "get":
      case "get16": {
        const count = Number(process.env.PROFILE_GETS ?? "3000")
        const cpu = process.cpuUsage()
        const r = await contender.gets("pods-1k", info.names["pods-1k"]!, op === "get" ? 1 : 16, count, 60_000)
        const used = process.cpuUsage(cpu)
        detail = `${r.count} requests, user ${(used.user / r.count).toFixed(1)} sys ${
          (used.system / r.count).toFixed(1)
        }, ${((r.count / r.ms) * 1000).toFixed(0)} req/s, ${
          ((used.user + used.system) / r.count).toFixed(1)
        } µs CPU/request`
        break
      }
      case "watch": {
        const r = await contender.watch("pods-10k", 120_000)
        detail = `${r.count} events, ${((r.count / r.ms) * 1000).toFixed(0)} events/s`
        break
      }
      case "watch1k": {
        const r = await contender.watch("pods-1k", 120_000)
        detail = `${r.count} events, ${((r.count / r.ms) * 1000).toFixed(0)} events/s`
        break
      }
      case "informerSync":
        detail = `${(await contender.informerSync!("pods-10k")).length} cached`
        break
      case "informerWatch": {
        const events = Number(process.env.WATCH_EVENTS ?? "20000")
        const r = await contender.informerWatch!("pods-1k", events, 120_000)
        detail = `${r.count} updates, ${((r.count / r.ms) * 1000).toFixed(0)} events/s`
        break
      }
    }
    const used = process.cpuUsage(cpu)
    const cpuMs = (used.user + used.system) / 1000
    console.log(
      `${contenderName} ${op} #${i}: ${(performance.now() - start).toFixed(1)} ms, ${detail}, cpu ${
        cpuMs.toFixed(0)
      } ms`
    )
  }
} finally {
  await contender.close()
  info.stop()
}
