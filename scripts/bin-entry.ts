// The program behind the published `effect-kube` bin: scripts/build.mjs bundles this file (effect included) into
// dist/bin/effect-kube.mjs, so a run loads one file instead of resolving hundreds of modules.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import { dispatch } from "../src/cli/main.js"

dispatch(process.argv.slice(2)).pipe(
  Effect.flatMap((code) => Effect.sync(() => process.exitCode = code)),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: false })
)
