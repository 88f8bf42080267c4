import type { Checkpoint } from "../../application/ports/run-store.js";
import { messagePayload } from "./drizzle-message-repository.js";
import { jsonRowWithExactCost } from "./json-row-views.js";
import { toMessageRow } from "./message-mapping.js";

/*
 * The statements on the per-run hot path, each one round trip (named, so Postgres plans them
 * once per connection). See migrations/0002_hot_path_functions.sql for the functions.
 */

/** SQLSTATE raised by agent_checkpoint / agent_admit when the session changed since it was read. */
export const SESSION_CHANGED = "AR001";
export const UNIQUE_VIOLATION = "23505";

/**
 * The user's session of this thread and any run of the user already known under this run id
 * (or, on that session, this idempotency key): $1 user, $2 thread id, $3 client run id, $4 key.
 */
export const ADMISSION_READ = `
  with session as (select * from sessions s where s.user_id = $1 and s.thread_id = $2)
  select
    (select ${jsonRowWithExactCost("s")} from session s) as session,
    (select ${jsonRowWithExactCost("r")} from runs r
       where (r.user_id = $1 and r.client_run_id = $3 and r.superseded_at is null)
          or ($4::text is not null and r.session_id = (select id from session)
              and r.idempotency_key = $4)
       order by (r.user_id = $1 and r.client_run_id = $3 and r.superseded_at is null) desc
       limit 1) as run`;

/** The JSON argument of agent_checkpoint. */
export function checkpointPayload(checkpoint: Checkpoint) {
  return {
    session_id: checkpoint.sessionId,
    run_id: checkpoint.runId,
    expected_version: checkpoint.expectedVersion,
    snapshot: checkpoint.snapshot,
    now: checkpoint.now.toISOString(),
    messages: (checkpoint.messages ?? []).map((message) => messagePayload(toMessageRow(message))),
    messages_may_exist: checkpoint.messagesMayExist === true,
    llm_calls: checkpoint.llmCalls ?? [],
    audit: (checkpoint.audit ?? []).map((record) => ({
      actor: record.actor,
      action: record.action,
      session_id: record.sessionId ?? null,
      run_id: record.runId ?? null,
      tool_call_id: record.toolCallId ?? null,
      error_code: record.errorCode ?? null,
      payload: record.payload ?? null,
      occurred_at: record.occurredAt.toISOString(),
    })),
    ...(checkpoint.sessionStatus === undefined ? {} : { session_status: checkpoint.sessionStatus }),
    ...(checkpoint.activeRunId === undefined ? {} : { active_run_id: checkpoint.activeRunId }),
    ...(checkpoint.runStarted ? { run_started: true } : {}),
    ...(checkpoint.runStatus === undefined ? {} : { run_status: checkpoint.runStatus }),
    ...(checkpoint.runError
      ? { run_error_code: checkpoint.runError.code, run_error_message: checkpoint.runError.message }
      : {}),
  };
}
