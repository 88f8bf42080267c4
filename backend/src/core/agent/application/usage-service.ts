import { RequestError } from "../domain/errors.js";
import type { Clock } from "./ports/clock.js";
import type {
  LlmCallView,
  UsageGroup,
  UsageGrouping,
  UsageQueries,
  UsageSums,
} from "./ports/usage-queries.js";

/** Who is asking: their user id and whether their token carries the admin scope. */
export interface Caller {
  userId: string;
  admin: boolean;
}

/** `user_id=*` in `GET /usage`: every user (admin only). */
export const ALL_USERS = "*";

/** The longest `/usage` window (it scans llm_calls by user and time). */
const MAX_WINDOW_DAYS = 366;
/** A session's breakdown lists at most this many calls (oldest first). */
export const SESSION_CALLS_LIMIT = 1000;

export interface UsageReport {
  userId: string | null;
  from: Date;
  to: Date;
  groupBy: UsageGrouping;
  totals: UsageSums;
  groups: UsageGroup[];
}

/**
 * The metering API: the per-call breakdown of a run or session (ownership is checked by the
 * caller's read of the run or session) and spend over a window. A caller sees only their own
 * usage; the admin scope may name another user or every user.
 */
export class UsageService {
  constructor(private readonly dependencies: { queries: UsageQueries; clock: Clock }) {}

  callsOfRun(runId: string): Promise<LlmCallView[]> {
    return this.dependencies.queries.callsOfRun(runId);
  }

  callsOfSession(sessionId: string): Promise<LlmCallView[]> {
    return this.dependencies.queries.callsOfSession({ sessionId, limit: SESSION_CALLS_LIMIT });
  }

  async usage({
    caller,
    userId,
    from,
    to,
    groupBy,
  }: {
    caller: Caller;
    /** Whose usage: the caller when absent, `*` for everyone. */
    userId?: string;
    from?: Date;
    to?: Date;
    groupBy: UsageGrouping;
  }): Promise<UsageReport> {
    const target = userId ?? caller.userId;
    if (target !== caller.userId && !caller.admin) {
      throw new RequestError({
        code: "FORBIDDEN",
        message: "Only the admin scope may read another user's usage",
        details: { field: "user_id" },
      });
    }
    const now = this.dependencies.clock();
    const end = to ?? now;
    const start = from ?? startOfUtcMonth(end);
    if (start.getTime() >= end.getTime()) {
      throw new RequestError({
        code: "VALIDATION_ERROR",
        message: "`from` must be before `to`",
        details: { field: "from" },
      });
    }
    if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      throw new RequestError({
        code: "VALIDATION_ERROR",
        message: `The window may span at most ${MAX_WINDOW_DAYS} days`,
        details: { field: "from" },
      });
    }
    const scope = target === ALL_USERS ? null : target;
    const { totals, groups } = await this.dependencies.queries.usage({
      userId: scope,
      from: start,
      to: end,
      groupBy,
    });
    return { userId: scope, from: start, to: end, groupBy, totals, groups };
  }
}

function startOfUtcMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}
