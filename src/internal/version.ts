/**
 * The package's version, for the default User-Agent. A constant, not a read of package.json: none of the shipped
 * layouts (the bundled dist/, the file-by-file modules/, src/) keeps this code at one fixed distance from
 * package.json, and the bundled one read a path outside the package and sent `effect-kube/unknown`.
 * test/RestConfig.test.ts and scripts/pack-check.mjs hold it equal to package.json's `version`.
 */
export const packageVersion = "0.1.0"
