-- A repeated runId with new content is a new turn (issue 11): CopilotKit's useInterrupt resumes
-- with the interrupted run's runId plus its answers. The new run takes the client's runId; the
-- run that had it is marked superseded and keeps its storage id, rows and events. So a client
-- run id names at most one live (not superseded) run of a user: the latest turn that used it.

ALTER TABLE "runs" ADD COLUMN "superseded_at" timestamptz;--> statement-breakpoint
DROP INDEX IF EXISTS "runs_user_client_run_key";--> statement-breakpoint
CREATE UNIQUE INDEX "runs_user_client_run_key" ON "runs" USING btree ("user_id", "client_run_id")
  WHERE "superseded_at" IS NULL;--> statement-breakpoint

-- agent_storage_id: as in 0010, and a derived id already taken (a client run id reused for a new
-- turn) is derived again with a counter, still deterministic for the same rows.
CREATE OR REPLACE FUNCTION agent_storage_id(p_kind text, p_user text, p_client text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_candidate text;
  v_round integer := 0;
  v_taken boolean;
BEGIN
  IF p_kind = 'session' THEN
    v_taken := EXISTS (SELECT 1 FROM sessions WHERE id = p_client);
  ELSE
    v_taken := EXISTS (SELECT 1 FROM runs WHERE id = p_client);
  END IF;
  IF p_client ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' AND p_client !~ '^[0-9]+$'
     AND NOT v_taken THEN
    RETURN p_client;
  END IF;
  LOOP
    v_candidate := '~' || encode(sha256(convert_to(
      p_kind || ':' || length(p_user) || ':' || p_user || ':' || p_client
        || CASE WHEN v_round = 0 THEN '' ELSE ':' || v_round END, 'UTF8')), 'hex');
    EXIT WHEN p_kind = 'session' OR NOT EXISTS (SELECT 1 FROM runs WHERE id = v_candidate);
    -- A derived id taken by this user's own earlier, superseded run: derive again.
    EXIT WHEN NOT EXISTS (SELECT 1 FROM runs WHERE id = v_candidate AND user_id = p_user
                            AND client_run_id = p_client AND superseded_at IS NOT NULL);
    v_round := v_round + 1;
  END LOOP;
  RETURN v_candidate;
END;
$$;
--> statement-breakpoint

-- agent_admit: as in 0010; the parent run is the user's latest run of that client id (the
-- interrupted run a new turn supersedes in the same transaction included).
CREATE OR REPLACE FUNCTION agent_admit(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_user text := p->>'user_id';
  v_session text := p->>'session_id';
  v_run text;
  v_version integer;
BEGIN
  v_run := agent_storage_id('run', v_user, p->>'client_run_id');
  IF v_session IS NULL THEN
    v_session := agent_storage_id('session', v_user, p->>'thread_id');
    INSERT INTO sessions (id, thread_id, user_id, workflow, status, active_run_id, version,
                          created_at, updated_at)
    VALUES (v_session, p->>'thread_id', v_user, p->>'workflow', 'queued', v_run, 1, v_now, v_now)
    ON CONFLICT DO NOTHING
    RETURNING version INTO v_version;
  ELSE
    UPDATE sessions SET status = 'queued', active_run_id = v_run, version = version + 1,
                        updated_at = v_now
    WHERE id = v_session AND version = (p->>'expected_version')::integer
      AND active_run_id IS NULL AND user_id = v_user AND deleted_at IS NULL
    RETURNING version INTO v_version;
  END IF;
  IF v_version IS NULL THEN
    RAISE EXCEPTION 'session % changed while the run was being admitted', p->>'thread_id'
      USING ERRCODE = 'AR001';
  END IF;
  INSERT INTO runs (id, client_run_id, thread_id, session_id, user_id, kind, parent_run_id,
                    parent_client_run_id, workflow, idempotency_key, created_at)
  VALUES (v_run, p->>'client_run_id', p->>'thread_id', v_session, v_user, p->>'kind',
          (SELECT r.id FROM runs r WHERE r.user_id = v_user
             AND r.client_run_id = p->>'parent_client_run_id'
           ORDER BY r.superseded_at IS NULL DESC, r.created_at DESC LIMIT 1),
          p->>'parent_client_run_id', p->>'workflow', p->>'idempotency_key', v_now);
  RETURN jsonb_build_object('version', v_version, 'session_id', v_session, 'run_id', v_run);
END;
$$;
