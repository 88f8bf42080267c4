-- agent_admit_turn(p), again (first in 0002_hot_path_functions.sql), now also answering
-- {outcome: "busy", active_run_id} for a thread of the caller's that has an active run, so
-- that a refusal (409 THREAD_BUSY) costs one round trip and never waits for a row lock: the
-- busy check reads the session without locking it first (a refusal of what was busy when the
-- request was read is linearisable), and a request that lost the race to create or claim the
-- session reads it again after the winner's commit. A known run id (a replay), another user's
-- or a deleted session still answer "slow" (the general path decides, as before).
--   p.session_id, p.user_id, p.workflow, p.run_id, p.idempotency_key, p.now
-- Returns {outcome: "admitted", version, message_count, last_seq, workflow, created_at},
-- {outcome: "busy", active_run_id} or {outcome: "slow"}.
CREATE OR REPLACE FUNCTION agent_admit_turn(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_session sessions%ROWTYPE;
  v_version integer;
  v_active text;
BEGIN
  IF EXISTS (SELECT 1 FROM runs WHERE id = p->>'run_id')
     OR (p->>'idempotency_key' IS NOT NULL AND EXISTS (
           SELECT 1 FROM runs WHERE session_id = p->>'session_id' AND idempotency_key = p->>'idempotency_key')) THEN
    RETURN jsonb_build_object('outcome', 'slow');
  END IF;

  SELECT s.active_run_id INTO v_active FROM sessions s
  WHERE s.id = p->>'session_id' AND s.user_id = p->>'user_id' AND s.deleted_at IS NULL;
  IF v_active IS NOT NULL THEN
    RETURN jsonb_build_object('outcome', 'busy', 'active_run_id', v_active);
  END IF;

  SELECT * INTO v_session FROM sessions WHERE id = p->>'session_id' FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO sessions (id, user_id, workflow, status, active_run_id, version, created_at, updated_at)
    VALUES (p->>'session_id', p->>'user_id', p->>'workflow', 'queued', p->>'run_id', 1, v_now, v_now)
    ON CONFLICT (id) DO NOTHING
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
      -- Another request created the session meanwhile (this insert waited for its commit).
      SELECT s.active_run_id INTO v_active FROM sessions s
      WHERE s.id = p->>'session_id' AND s.user_id = p->>'user_id' AND s.deleted_at IS NULL;
      IF v_active IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'busy', 'active_run_id', v_active);
      END IF;
      RETURN jsonb_build_object('outcome', 'slow');
    END IF;
  ELSIF v_session.user_id <> p->>'user_id' OR v_session.deleted_at IS NOT NULL THEN
    RETURN jsonb_build_object('outcome', 'slow');
  ELSIF v_session.active_run_id IS NOT NULL THEN
    -- Claimed by another request while this one waited for the row lock.
    RETURN jsonb_build_object('outcome', 'busy', 'active_run_id', v_session.active_run_id);
  ELSIF jsonb_path_exists(coalesce(v_session.state_snapshot, '{}'::jsonb),
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
