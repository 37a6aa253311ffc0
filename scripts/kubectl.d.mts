export declare const kubectlPath: string
export declare function ensureKubectl(): string
export declare const helmPath: string
export declare function ensureHelm(): string
