import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), "src")

export default defineConfig({
  resolve: {
    // Examples and README code import `effect-kube/...` as users do; map those onto the sources, as tsconfig.json's
    // `paths` do for tsc and tsx. The published package.json has no development condition (docs/ARCHITECTURE.md).
    alias: [
      { find: /^effect-kube\/api\/(.*)$/, replacement: `${src}/generated/$1.ts` },
      { find: /^effect-kube\/(.*)$/, replacement: `${src}/$1.ts` },
      { find: /^effect-kube$/, replacement: `${src}/index.ts` }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
