/**
 * CronJob schedules as kube-controller-manager reads them (robfig/cron's standard parser): five fields (minute,
 * hour, day of month, month, day of week) of `*`, `?`, values, ranges, `/` steps and lists, month and weekday
 * names, the `@yearly` / `@annually` / `@monthly` / `@weekly` / `@daily` / `@midnight` / `@hourly` macros, and
 * cron's rule that a day matches either restricted day field when both are restricted. Times are reckoned in the
 * CronJob's `timeZone` (an IANA name, through Intl) or UTC. `@every` and a `TZ=`/`CRON_TZ=` prefix (which the
 * apiserver refuses since 1.27 in favour of `timeZone`) are not supported.
 */

export interface Schedule {
  readonly minutes: ReadonlySet<number>
  readonly hours: ReadonlySet<number>
  readonly days: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  readonly weekdays: ReadonlySet<number>
  /** The day-of-month / day-of-week field was `*` or `?` (then the other one alone decides). */
  readonly anyDay: boolean
  readonly anyWeekday: boolean
}

interface Field {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly names?: ReadonlyArray<string>
}

const fields: ReadonlyArray<Field> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] }
]

const macros: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *"
}

const valueOf = (text: string, field: Field): number | string => {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1
  if (named >= 0) return field.min + named
  if (!/^\d+$/.test(text)) return `failed to parse ${field.name} "${text}"`
  const n = Number(text)
  return n < field.min || n > field.max
    ? `${field.name} "${text}" is out of range (${field.min}-${field.max})`
    : n
}

/** One field's values, and whether it was a bare `*` / `?` (a step over it is a restriction, as robfig has it). */
const parseField = (text: string, field: Field): { values: Set<number>; star: boolean } | string => {
  const values = new Set<number>()
  let star = false
  for (const item of text.split(",")) {
    const [range = "", stepText, extra] = item.split("/")
    if (extra !== undefined) return `too many slashes in ${field.name} "${item}"`
    let step = 1
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return `invalid step in ${field.name} "${item}"`
      step = Number(stepText)
    }
    let low: number
    let high: number
    if (range === "*" || range === "?") {
      low = field.min
      high = field.max
      if (step === 1) star = true
    } else {
      const [a = "", b, more] = range.split("-")
      if (more !== undefined) return `too many hyphens in ${field.name} "${item}"`
      const from = valueOf(a, field)
      if (typeof from === "string") return from
      const to = b === undefined ? (stepText !== undefined ? field.max : from) : valueOf(b, field)
      if (typeof to === "string") return to
      if (to < from) return `beginning of range (${from}) beyond end of range (${to}) in ${field.name} "${item}"`
      low = from
      high = to
    }
    for (let v = low; v <= high; v += step) values.add(v)
  }
  return { values, star }
}

/** The schedule, or what is wrong with it. */
export const parseSchedule = (text: string): Schedule | string => {
  const trimmed = text.trim()
  if (/^(CRON_)?TZ=/.test(trimmed)) return "a TZ or CRON_TZ prefix is not supported: use spec.timeZone"
  const spec = trimmed.startsWith("@") ? macros[trimmed.toLowerCase()] : trimmed
  if (spec === undefined) return `unrecognized descriptor: ${trimmed}`
  const parts = spec.split(/\s+/)
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: ${JSON.stringify(trimmed)}`
  const parsed: Array<{ values: Set<number>; star: boolean }> = []
  for (let i = 0; i < 5; i++) {
    const f = parseField(parts[i]!, fields[i]!)
    if (typeof f === "string") return f
    parsed.push(f)
  }
  const [minutes, hours, days, months, weekdays] = parsed as [
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0]
  ]
  return {
    minutes: minutes.values,
    hours: hours.values,
    days: days.values,
    months: months.values,
    weekdays: weekdays.values,
    anyDay: days.star,
    anyWeekday: weekdays.star
  }
}

interface LocalTime {
  readonly month: number
  readonly day: number
  readonly weekday: number
  readonly hour: number
  readonly minute: number
}

const weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
const formats = new Map<string, Intl.DateTimeFormat>()

/** Whether Intl knows the zone (the apiserver refuses unknown ones; the controller then schedules nothing). */
export const isKnownTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const localTime = (at: number, zone: string | undefined): LocalTime => {
  const d = new Date(at)
  if (zone === undefined || zone === "UTC" || zone === "Etc/UTC") {
    return {
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes()
    }
  }
  let format = formats.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "numeric",
      minute: "numeric"
    })
    formats.set(zone, format)
  }
  const parts: Record<string, string> = {}
  for (const p of format.formatToParts(d)) parts[p.type] = p.value
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: weekdayNames.indexOf(String(parts.weekday)),
    hour: Number(parts.hour),
    minute: Number(parts.minute)
  }
}

const dayMatches = (s: Schedule, t: LocalTime) => {
  const dom = s.days.has(t.day)
  const dow = s.weekdays.has(t.weekday)
  return s.months.has(t.month) && (s.anyDay || s.anyWeekday ? dom && dow : dom || dow)
}

const minute = 60_000
/** A schedule that matches nothing in five years (`0 0 30 2 *`) matches never. */
const horizon = 5 * 366 * 24 * 60 * minute

/** The first scheduled time strictly after `after` (whole minutes), or undefined if there is none. */
export const nextAfter = (s: Schedule, after: number, zone?: string): number | undefined => {
  let t = Math.floor(after / minute) * minute + minute
  const end = t + horizon
  // Skips whole days and hours that cannot match; each skip stays at least an hour short of a DST-shifted boundary.
  while (t <= end) {
    const local = localTime(t, zone)
    if (!dayMatches(s, local)) {
      t += Math.max(60 - local.minute, (23 - local.hour) * 60 + (60 - local.minute) - 60) * minute
    } else if (!s.hours.has(local.hour)) {
      t += (60 - local.minute) * minute
    } else if (!s.minutes.has(local.minute)) {
      t += minute
    } else {
      return t
    }
  }
  return undefined
}

const windows = [60 * minute, 24 * 60 * minute, 32 * 24 * 60 * minute, 367 * 24 * 60 * minute]

/**
 * The latest scheduled time in (`earliest`, `now`], if any: the controller's `mostRecentScheduleTime`, searched in
 * growing windows back from now so a schedule every minute after a long pause costs as little as a yearly one.
 */
export const mostRecent = (s: Schedule, earliest: number, now: number, zone?: string): number | undefined => {
  for (const w of [...windows, now - earliest]) {
    const from = Math.max(earliest, now - w)
    let last: number | undefined
    for (let t = nextAfter(s, from, zone), i = 0; t !== undefined && t <= now && i < 100_000; i++) {
      last = t
      t = nextAfter(s, t, zone)
    }
    if (last !== undefined || from === earliest) return last
  }
  return undefined
}
