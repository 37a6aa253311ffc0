/** Writes the library's bundled JavaScript (facades, bundles, chunks, generated modules) into `outDir` (esbuild). */
export declare const bundleLibrary: (outDir: string, options?: { readonly sourcemap?: boolean }) => Promise<unknown>
/** Writes src/ (not the CLI) transpiled file by file into `outDir`: what bundlers get (the `module` condition). */
export declare const transpileModules: (outDir: string, options?: { readonly sourcemap?: boolean }) => Promise<void>
