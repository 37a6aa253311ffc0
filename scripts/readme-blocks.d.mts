export declare function writeReadmeBlocks(): number
