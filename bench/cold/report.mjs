// The one JSON line every in-process cold probe prints, then exit. Imported statically by the probes, so it loads
// before their clocks start.
export const report = (start, cpu0, imported, done = imported) => {
  const cpu = process.cpuUsage(cpu0)
  console.log(
    JSON.stringify({
      importMs: imported - start,
      firstRequestMs: done - imported,
      sinceProcessStart: done,
      cpuMs: (cpu.user + cpu.system) / 1000
    })
  )
  process.exit(0)
}
