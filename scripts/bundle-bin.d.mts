/** Writes the bundled bin to `outfile` (esbuild). */
export declare const bundleBin: (outfile: string) => Promise<unknown>
