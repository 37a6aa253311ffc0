// A loader hook for `node --import <this file>`: appends every module URL the process loads to the file named by
// RECORD_LOADS (bench/run.ts uses it to list the modules of the barrel program for deps.mjs).
import { register } from "node:module"

register(new URL("./recordLoadsHooks.mjs", import.meta.url), { data: { file: process.env.RECORD_LOADS } })
