// The hooks recordLoads.mjs registers (they run on the loader thread).
import * as Fs from "node:fs"

let file
export const initialize = (data) => {
  file = data.file
}
export const load = (url, context, next) => {
  if (file !== undefined) Fs.appendFileSync(file, url + "\n")
  return next(url, context)
}
