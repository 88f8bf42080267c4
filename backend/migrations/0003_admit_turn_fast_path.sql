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
