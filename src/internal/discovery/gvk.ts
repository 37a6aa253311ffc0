export * from "../../GroupVersion.js"
