-- The statements of the per-run hot path, one round trip each (ARCHITECTURE.md §5), and the
-- two insert rules they share with the repositories:
--   agent_insert_messages / agent_insert_llm_calls   the only code that numbers messages and
--                                                    inserts metering rows
--   agent_append_messages / agent_record_llm_calls   the repositories' entry points
--   agent_checkpoint    everything one checkpoint writes, in one transaction
--   agent_admit_turn    a plain user turn's admission
--   agent_admit         the general admission, after the caller decided
--   agent_pick_up       a worker's pick-up
-- A lost optimistic-lock race raises SQLSTATE AR001 (SNAPSHOT_VERSION_CONFLICT, or a retry of
-- the admission); an append to an unknown session raises AR404.

-- agent_checkpoint(p) fields:
--   p.session_id, p.run_id, p.expected_version, p.snapshot, p.now        required
--   p.messages[]            {id, role, content, content_parts, tool_calls, tool_call_id, error, stage},
--                           numbered after the session's last_seq in array order
--   p.messages_may_exist    skip messages whose id is already stored (client-supplied ids)
--   p.llm_calls[]           llm_calls rows; inserted idempotently, totals move only by new rows
--   p.audit[]               audit_log rows
--   p.session_status        new sessions.status (absent: unchanged)
--   p.active_run_id         present: new sessions.active_run_id (null releases the session)
--   p.run_started           a worker picked the run up: status running, attempts + 1
--   p.run_status, p.run_error_code, p.run_error_message   the run's new status / error

-- agent_insert_messages: inserts messages numbered after p_last_seq, in array order, skipping
-- ids already stored when asked. The caller holds the session row lock and moves the counters.
CREATE OR REPLACE FUNCTION agent_insert_messages(
  p_session text, p_run text, p_last_seq integer, p_messages jsonb, p_skip_stored boolean,
  p_now timestamptz
) RETURNS SETOF messages
LANGUAGE sql AS $$
  WITH incoming AS (
    SELECT m.*, e.ord
    FROM jsonb_array_elements(coalesce(p_messages, '[]'::jsonb)) WITH ORDINALITY AS e(value, ord)
    CROSS JOIN LATERAL jsonb_to_record(e.value) AS m(
      id text, role text, content text, content_parts jsonb, tool_calls jsonb,
      tool_call_id text, error text, stage text)
  ), fresh AS (
    SELECT DISTINCT ON (i.id) i.*
    FROM incoming i
    WHERE NOT (p_skip_stored AND EXISTS (SELECT 1 FROM messages stored WHERE stored.id = i.id))
    ORDER BY i.id, i.ord
  )
  INSERT INTO messages (id, session_id, run_id, seq, role, content, content_parts, tool_calls,
                        tool_call_id, error, stage, created_at)
  SELECT id, p_session, p_run, p_last_seq + row_number() OVER (ORDER BY ord), role, content,
         content_parts, tool_calls, tool_call_id, error, stage, p_now
  FROM fresh
  RETURNING *;
$$;
--> statement-breakpoint

-- agent_insert_llm_calls: inserts llm_calls rows, skipping call ids already stored, and returns
-- the rows that were new (the caller moves the run and session totals by exactly these).
CREATE OR REPLACE FUNCTION agent_insert_llm_calls(p_calls jsonb)
RETURNS TABLE (id uuid, run_id text, session_id text, input_tokens bigint, output_tokens bigint,
               cache_read_tokens bigint, reasoning_tokens bigint, cost_usd numeric(20, 12))
LANGUAGE sql AS $$
  INSERT INTO llm_calls (id, run_id, session_id, agent_type, stage, provider, model_requested,
    model_response, response_id, started_at, first_token_at, ended_at, status, finish_reason,
    input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
    total_tokens, usage_raw, cost_usd, cost_source, error)
  SELECT c.id, c.run_id, c.session_id, c.agent_type, c.stage, c.provider, c.model_requested,
    c.model_response, c.response_id, c.started_at, c.first_token_at, c.ended_at, c.status,
    c.finish_reason, coalesce(c.input_tokens, 0), coalesce(c.cache_read_tokens, 0),
    coalesce(c.cache_write_tokens, 0), coalesce(c.output_tokens, 0), coalesce(c.reasoning_tokens, 0),
    coalesce(c.total_tokens, 0), c.usage_raw, c.cost_usd, c.cost_source, c.error
  FROM jsonb_to_recordset(coalesce(p_calls, '[]'::jsonb)) AS c(
    id uuid, run_id text, session_id text, agent_type text, stage text, provider text,
    model_requested text, model_response text, response_id text, started_at timestamptz,
    first_token_at timestamptz, ended_at timestamptz, status text, finish_reason text,
    input_tokens bigint, cache_read_tokens bigint, cache_write_tokens bigint,
    output_tokens bigint, reasoning_tokens bigint, total_tokens bigint, usage_raw jsonb,
    cost_usd numeric(20, 12), cost_source text, error text)
  ON CONFLICT ON CONSTRAINT llm_calls_pkey DO NOTHING
  RETURNING llm_calls.id, llm_calls.run_id, llm_calls.session_id, llm_calls.input_tokens,
            llm_calls.output_tokens, llm_calls.cache_read_tokens, llm_calls.reasoning_tokens,
            llm_calls.cost_usd;
$$;
--> statement-breakpoint

-- agent_append_messages (the repositories' entry point): lock, insert, move the counters.
CREATE OR REPLACE FUNCTION agent_append_messages(
  p_session text, p_run text, p_messages jsonb, p_skip_stored boolean, p_now timestamptz
) RETURNS SETOF messages
LANGUAGE plpgsql AS $$
DECLARE
  v_last_seq integer;
  v_count integer;
BEGIN
  SELECT last_seq INTO v_last_seq FROM sessions WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cannot append messages: session % does not exist', p_session
      USING ERRCODE = 'AR404';
  END IF;
  RETURN QUERY SELECT * FROM agent_insert_messages(p_session, p_run, v_last_seq, p_messages, p_skip_stored, p_now);
  GET DIAGNOSTICS v_count = ROW_COUNT;
  IF v_count > 0 THEN
    UPDATE sessions SET last_seq = v_last_seq + v_count, message_count = message_count + v_count,
                        updated_at = p_now
    WHERE id = p_session;
  END IF;
END;
$$;
--> statement-breakpoint

-- agent_record_llm_calls (the repositories' entry point): insert, then move each run's and
-- session's totals by its new rows. Returns the new ids.
CREATE OR REPLACE FUNCTION agent_record_llm_calls(p_calls jsonb) RETURNS SETOF uuid
LANGUAGE sql AS $$
  WITH inserted AS (
    SELECT * FROM agent_insert_llm_calls(p_calls)
  ), run_totals AS (
    UPDATE runs SET input_tokens = runs.input_tokens + t.input_tokens,
      output_tokens = runs.output_tokens + t.output_tokens,
      cached_input_tokens = runs.cached_input_tokens + t.cached,
      reasoning_tokens = runs.reasoning_tokens + t.reasoning,
      cost_usd = runs.cost_usd + t.cost,
      llm_call_count = runs.llm_call_count + t.calls
    FROM (SELECT i.run_id, sum(i.input_tokens) AS input_tokens, sum(i.output_tokens) AS output_tokens,
                 sum(i.cache_read_tokens) AS cached, sum(i.reasoning_tokens) AS reasoning,
                 sum(coalesce(i.cost_usd, 0)) AS cost, count(*) AS calls
          FROM inserted i GROUP BY i.run_id) t
    WHERE runs.id = t.run_id
    RETURNING runs.id
  ), session_totals AS (
    UPDATE sessions SET input_tokens = sessions.input_tokens + t.input_tokens,
      output_tokens = sessions.output_tokens + t.output_tokens,
      cached_input_tokens = sessions.cached_input_tokens + t.cached,
      reasoning_tokens = sessions.reasoning_tokens + t.reasoning,
      cost_usd = sessions.cost_usd + t.cost,
      llm_call_count = sessions.llm_call_count + t.calls
    FROM (SELECT i.session_id, sum(i.input_tokens) AS input_tokens, sum(i.output_tokens) AS output_tokens,
                 sum(i.cache_read_tokens) AS cached, sum(i.reasoning_tokens) AS reasoning,
                 sum(coalesce(i.cost_usd, 0)) AS cost, count(*) AS calls
          FROM inserted i GROUP BY i.session_id) t
    WHERE sessions.id = t.session_id
    RETURNING sessions.id
  )
  SELECT inserted.id FROM inserted;
$$;
--> statement-breakpoint

-- agent_checkpoint(p): everything one checkpoint writes, atomically (fields: above), with one
-- update of the session row and at most one of the run row. The calls of a checkpoint all
-- belong to its run and session.
CREATE OR REPLACE FUNCTION agent_checkpoint(p jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_session text := p->>'session_id';
  v_run text := p->>'run_id';
  v_now timestamptz := (p->>'now')::timestamptz;
  v_last_seq integer;
  v_version integer;
  v_messages integer;
  v_input bigint;
  v_output bigint;
  v_cached bigint;
  v_reasoning bigint;
  v_cost numeric(20, 12);
  v_calls bigint;
  v_started boolean := coalesce((p->>'run_started')::boolean, false);
  v_terminal boolean := p->>'run_status' IN ('succeeded', 'failed', 'cancelled', 'interrupted');
BEGIN
  SELECT last_seq, version INTO v_last_seq, v_version FROM sessions WHERE id = v_session FOR UPDATE;
  IF NOT FOUND OR v_version <> (p->>'expected_version')::integer THEN
    RAISE EXCEPTION 'session % changed since version % was read', v_session, p->>'expected_version'
      USING ERRCODE = 'AR001';
  END IF;

  SELECT count(*) INTO v_messages
  FROM agent_insert_messages(v_session, v_run, v_last_seq, p->'messages',
    coalesce((p->>'messages_may_exist')::boolean, false), v_now);

  SELECT coalesce(sum(c.input_tokens), 0), coalesce(sum(c.output_tokens), 0),
         coalesce(sum(c.cache_read_tokens), 0), coalesce(sum(c.reasoning_tokens), 0),
         coalesce(sum(c.cost_usd), 0), count(*)
  INTO v_input, v_output, v_cached, v_reasoning, v_cost, v_calls
  FROM agent_insert_llm_calls(p->'llm_calls') c;

  INSERT INTO audit_log (actor, action, session_id, run_id, tool_call_id, error_code, payload, occurred_at)
  SELECT a.actor, a.action, a.session_id, a.run_id, a.tool_call_id, a.error_code, a.payload, a.occurred_at
  FROM jsonb_to_recordset(coalesce(p->'audit', '[]'::jsonb)) AS a(
    actor text, action text, session_id text, run_id text, tool_call_id text, error_code text,
    payload jsonb, occurred_at timestamptz);

  UPDATE sessions SET
    state_snapshot = p->'snapshot',
    version = v_version + 1,
    last_seq = v_last_seq + v_messages,
    message_count = message_count + v_messages,
    input_tokens = input_tokens + v_input,
    output_tokens = output_tokens + v_output,
    cached_input_tokens = cached_input_tokens + v_cached,
    reasoning_tokens = reasoning_tokens + v_reasoning,
    cost_usd = cost_usd + v_cost,
    llm_call_count = llm_call_count + v_calls,
    status = coalesce(p->>'session_status', status),
    active_run_id = CASE WHEN p ? 'active_run_id' THEN p->>'active_run_id' ELSE active_run_id END,
    updated_at = v_now
  WHERE id = v_session;

  IF v_calls > 0 OR v_started OR p ? 'run_status' OR p ? 'run_error_code' THEN
    UPDATE runs SET
      input_tokens = input_tokens + v_input,
      output_tokens = output_tokens + v_output,
      cached_input_tokens = cached_input_tokens + v_cached,
      reasoning_tokens = reasoning_tokens + v_reasoning,
      cost_usd = cost_usd + v_cost,
      llm_call_count = llm_call_count + v_calls,
      attempts = attempts + CASE WHEN v_started THEN 1 ELSE 0 END,
      started_at = CASE WHEN v_started THEN coalesce(started_at, v_now) ELSE started_at END,
      status = coalesce(p->>'run_status', CASE WHEN v_started THEN 'running' END, status),
      error_code = coalesce(p->>'run_error_code', error_code),
      error_message = coalesce(p->>'run_error_message', error_message),
      finished_at = CASE WHEN v_terminal THEN v_now ELSE finished_at END
    WHERE id = v_run;
  END IF;

  RETURN v_version + 1;
END;
$$;
--> statement-breakpoint

-- agent_admit(p): records an admitted run and claims its session, if the session is still the
-- one the caller read (same version, no active run, same owner) or does not exist yet.
--   p.session_id, p.user_id, p.workflow, p.expected_version (null: the session must not exist),
--   p.run_id, p.kind, p.parent_run_id, p.idempotency_key, p.now
-- Returns the session's new version; AR001 when the session changed meanwhile (read again).
CREATE OR REPLACE FUNCTION agent_admit(p jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_version integer;
BEGIN
  IF p->'expected_version' IS NULL OR jsonb_typeof(p->'expected_version') = 'null' THEN
    INSERT INTO sessions (id, user_id, workflow, status, active_run_id, version, created_at, updated_at)
    VALUES (p->>'session_id', p->>'user_id', p->>'workflow', 'queued', p->>'run_id', 1, v_now, v_now)
    ON CONFLICT (id) DO NOTHING
    RETURNING version INTO v_version;
  ELSE
    UPDATE sessions SET status = 'queued', active_run_id = p->>'run_id', version = version + 1,
                        updated_at = v_now
    WHERE id = p->>'session_id' AND version = (p->>'expected_version')::integer
      AND active_run_id IS NULL AND user_id = p->>'user_id' AND deleted_at IS NULL
    RETURNING version INTO v_version;
  END IF;
  IF v_version IS NULL THEN
    RAISE EXCEPTION 'session % changed while the run was being admitted', p->>'session_id'
      USING ERRCODE = 'AR001';
  END IF;
  INSERT INTO runs (id, session_id, user_id, kind, parent_run_id, workflow, idempotency_key, created_at)
  VALUES (p->>'run_id', p->>'session_id', p->>'user_id', p->>'kind', p->>'parent_run_id',
          p->>'workflow', p->>'idempotency_key', v_now);
  RETURN v_version;
END;
$$;
--> statement-breakpoint

-- agent_admit_turn(p): the one-round-trip admission of a plain user turn (no tool results, no
-- resume entries). It admits only when nothing needs a decision: the run id is new, the session
-- is new or belongs to the caller, has no active run and no call waiting for an answer.
-- Anything else answers {outcome: "slow"} without writing, and the caller takes the general
-- path (read, decide, agent_admit), which also produces the precise error.
--   p.session_id, p.user_id, p.workflow, p.run_id, p.idempotency_key, p.now
-- Returns {outcome: "admitted", version, message_count, workflow} or {outcome: "slow"}.
CREATE OR REPLACE FUNCTION agent_admit_turn(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_session sessions%ROWTYPE;
  v_version integer;
BEGIN
  IF EXISTS (SELECT 1 FROM runs WHERE id = p->>'run_id')
     OR (p->>'idempotency_key' IS NOT NULL AND EXISTS (
           SELECT 1 FROM runs WHERE session_id = p->>'session_id' AND idempotency_key = p->>'idempotency_key')) THEN
    RETURN jsonb_build_object('outcome', 'slow');
  END IF;

  SELECT * INTO v_session FROM sessions WHERE id = p->>'session_id' FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO sessions (id, user_id, workflow, status, active_run_id, version, created_at, updated_at)
    VALUES (p->>'session_id', p->>'user_id', p->>'workflow', 'queued', p->>'run_id', 1, v_now, v_now)
    ON CONFLICT (id) DO NOTHING
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
      RETURN jsonb_build_object('outcome', 'slow');
    END IF;
  ELSIF v_session.user_id <> p->>'user_id'
     OR v_session.deleted_at IS NOT NULL
     OR v_session.active_run_id IS NOT NULL
     OR jsonb_path_exists(coalesce(v_session.state_snapshot, '{}'::jsonb),
                          '$.pending_tool_calls[*] ? (@.status == "PENDING_APPROVAL")') THEN
    RETURN jsonb_build_object('outcome', 'slow');
  ELSE
    UPDATE sessions SET status = 'queued', active_run_id = p->>'run_id', version = version + 1,
                        updated_at = v_now
    WHERE id = v_session.id
    RETURNING version INTO v_version;
  END IF;

  INSERT INTO runs (id, session_id, user_id, kind, workflow, idempotency_key, created_at)
  VALUES (p->>'run_id', p->>'session_id', p->>'user_id', 'run',
          coalesce(v_session.workflow, p->>'workflow'), p->>'idempotency_key', v_now);

  RETURN jsonb_build_object(
    'outcome', 'admitted',
    'version', v_version,
    'message_count', coalesce(v_session.message_count, 0),
    'last_seq', coalesce(v_session.last_seq, 0),
    'workflow', coalesce(v_session.workflow, p->>'workflow'),
    'created_at', coalesce(v_session.created_at, v_now));
END;
$$;
--> statement-breakpoint

-- agent_pick_up(run_id, now): a worker's pick-up in one round trip: marks a queued or running
-- run `running` (attempts + 1) and returns it with its session. The status is only a signal to
-- observers (the run's checkpoints are what count), so this commit does not wait for the WAL
-- flush: a database crash could at worst forget the status, which the next checkpoint writes.
-- Returns {run, session} as JSON (cost_usd as text), or null when the run is not active.
CREATE OR REPLACE FUNCTION agent_pick_up(p_run_id text, p_now timestamptz) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_run runs%ROWTYPE;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE runs SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, p_now)
  WHERE id = p_run_id AND status IN ('queued', 'running')
  RETURNING * INTO v_run;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN jsonb_build_object(
    'run', to_jsonb(v_run) - 'cost_usd' || jsonb_build_object('cost_usd', v_run.cost_usd::text),
    'session', (SELECT to_jsonb(s) - 'cost_usd' || jsonb_build_object('cost_usd', s.cost_usd::text)
                FROM sessions s WHERE s.id = v_run.session_id));
END;
$$;
