-- One round trip per checkpoint and per admission (ARCHITECTURE.md §5): the hot path calls
-- these functions instead of issuing the statements one by one. Each call is one transaction.
-- A lost optimistic-lock race raises SQLSTATE AR001, which the caller maps to
-- SNAPSHOT_VERSION_CONFLICT (checkpoint) or a retry (admission).

-- agent_checkpoint(p): everything one checkpoint writes, atomically.
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
-- Returns the session's new version.
CREATE OR REPLACE FUNCTION agent_checkpoint(p jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_session text := p->>'session_id';
  v_run text := p->>'run_id';
  v_now timestamptz := (p->>'now')::timestamptz;
  v_last_seq integer;
  v_version integer;
  v_messages integer := 0;
  v_input bigint;
  v_output bigint;
  v_cached bigint;
  v_reasoning bigint;
  v_cost numeric(20, 12);
  v_calls bigint;
  v_terminal boolean := p->>'run_status' IN ('succeeded', 'failed', 'cancelled', 'interrupted');
BEGIN
  SELECT last_seq, version INTO v_last_seq, v_version FROM sessions WHERE id = v_session FOR UPDATE;
  IF NOT FOUND OR v_version <> (p->>'expected_version')::integer THEN
    RAISE EXCEPTION 'session % changed since version % was read', v_session, p->>'expected_version'
      USING ERRCODE = 'AR001';
  END IF;

  WITH incoming AS (
    SELECT m.*, e.ord
    FROM jsonb_array_elements(coalesce(p->'messages', '[]'::jsonb)) WITH ORDINALITY AS e(value, ord)
    CROSS JOIN LATERAL jsonb_to_record(e.value) AS m(
      id text, role text, content text, content_parts jsonb, tool_calls jsonb,
      tool_call_id text, error text, stage text)
  ), fresh AS (
    SELECT * FROM incoming i
    WHERE NOT (coalesce((p->>'messages_may_exist')::boolean, false)
               AND EXISTS (SELECT 1 FROM messages stored WHERE stored.id = i.id))
  ), inserted AS (
    INSERT INTO messages (id, session_id, run_id, seq, role, content, content_parts, tool_calls,
                          tool_call_id, error, stage, created_at)
    SELECT id, v_session, v_run, v_last_seq + row_number() OVER (ORDER BY ord), role, content,
           content_parts, tool_calls, tool_call_id, error, stage, v_now
    FROM fresh
    RETURNING 1
  )
  SELECT count(*) INTO v_messages FROM inserted;

  WITH inserted AS (
    INSERT INTO llm_calls (id, run_id, session_id, agent_type, stage, provider, model_requested,
      model_response, response_id, started_at, first_token_at, ended_at, status, finish_reason,
      input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      total_tokens, usage_raw, cost_usd, cost_source, error)
    SELECT id, run_id, session_id, agent_type, stage, provider, model_requested, model_response,
      response_id, started_at, first_token_at, ended_at, status, finish_reason, input_tokens,
      cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, total_tokens,
      usage_raw, cost_usd, cost_source, error
    FROM jsonb_to_recordset(coalesce(p->'llm_calls', '[]'::jsonb)) AS c(
      id uuid, run_id text, session_id text, agent_type text, stage text, provider text,
      model_requested text, model_response text, response_id text, started_at timestamptz,
      first_token_at timestamptz, ended_at timestamptz, status text, finish_reason text,
      input_tokens bigint, cache_read_tokens bigint, cache_write_tokens bigint,
      output_tokens bigint, reasoning_tokens bigint, total_tokens bigint, usage_raw jsonb,
      cost_usd numeric(20, 12), cost_source text, error text)
    ON CONFLICT (id) DO NOTHING
    RETURNING input_tokens, output_tokens, cache_read_tokens, reasoning_tokens, cost_usd
  )
  SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
         coalesce(sum(cache_read_tokens), 0), coalesce(sum(reasoning_tokens), 0),
         coalesce(sum(cost_usd), 0), count(*)
  INTO v_input, v_output, v_cached, v_reasoning, v_cost, v_calls
  FROM inserted;

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

  UPDATE runs SET
    input_tokens = input_tokens + v_input,
    output_tokens = output_tokens + v_output,
    cached_input_tokens = cached_input_tokens + v_cached,
    reasoning_tokens = reasoning_tokens + v_reasoning,
    cost_usd = cost_usd + v_cost,
    llm_call_count = llm_call_count + v_calls,
    attempts = attempts + CASE WHEN coalesce((p->>'run_started')::boolean, false) THEN 1 ELSE 0 END,
    started_at = CASE WHEN coalesce((p->>'run_started')::boolean, false)
                      THEN coalesce(started_at, v_now) ELSE started_at END,
    status = coalesce(p->>'run_status',
                      CASE WHEN coalesce((p->>'run_started')::boolean, false) THEN 'running' END,
                      status),
    error_code = coalesce(p->>'run_error_code', error_code),
    error_message = coalesce(p->>'run_error_message', error_message),
    finished_at = CASE WHEN v_terminal THEN v_now ELSE finished_at END
  WHERE id = v_run;

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
