/** Writes the bin loader to `outfile` (.mjs) and its bundle beside it (effect-kube.cjs). */
export declare const bundleBin: (outfile: string) => Promise<unknown>
