/**
 * Failures internal to the informer machinery, never seen by callers: the watcher retries them.
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

/** A watch delivered neither an event nor a bookmark within the idle limit (a half-open connection, say). */
export class IdleTimeout extends Data.TaggedError("IdleTimeout")<{ readonly after: Duration.Duration }> {}
