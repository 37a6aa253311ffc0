export declare const kubectlPath: string
export declare function ensureKubectl(): string
