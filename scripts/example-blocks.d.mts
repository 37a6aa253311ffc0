export declare function writeExampleBlocks(): number
