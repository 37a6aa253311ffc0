/** Writes the library's bundled JavaScript (facades, bundles, chunks, generated modules) into `outDir` (esbuild). */
export declare const bundleLibrary: (outDir: string, options?: { readonly sourcemap?: boolean }) => Promise<unknown>
