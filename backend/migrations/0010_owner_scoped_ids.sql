-- Ids scoped to their owner (#10 item 4) and safe as storage keys (#9 item 7).
--
-- A client's thread id and run id name a session and a run *of that user*: sessions are unique
-- by (user_id, thread_id), runs by (user_id, client_run_id). The primary keys (`sessions.id`,
-- `runs.id`) are storage ids: the client's id itself when it is safe for every layer (Postgres,
-- BullMQ job ids, Redis keys: `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`, not only digits) and not yet
-- a storage id, else `~` + the SHA-256 of (kind, user, client id) in hex. Another user's ids are
-- therefore neither visible nor claimable, and `:`, digits-only or long ids run normally.
-- Message ids are unique per session (primary key (session_id, id)).
-- Existing rows keep their ids: their storage id is their client id.

ALTER TABLE "sessions" ADD COLUMN "thread_id" text;--> statement-breakpoint
UPDATE "sessions" SET "thread_id" = "id";--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "thread_id" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_user_thread_key" ON "sessions" USING btree ("user_id", "thread_id");--> statement-breakpoint

ALTER TABLE "runs" ADD COLUMN "client_run_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "thread_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "parent_client_run_id" text;--> statement-breakpoint
UPDATE "runs" SET "client_run_id" = "id", "parent_client_run_id" = "parent_run_id",
  "thread_id" = (SELECT s."thread_id" FROM "sessions" s WHERE s."id" = "runs"."session_id");--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "client_run_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "thread_id" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "runs_user_client_run_key" ON "runs" USING btree ("user_id", "client_run_id");--> statement-breakpoint

ALTER TABLE "messages" DROP CONSTRAINT "messages_pkey";--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_pkey" PRIMARY KEY ("session_id", "id");--> statement-breakpoint

-- agent_storage_id(kind, user, client id): the primary key a new session ('session') or run
-- ('run') gets (see above). Deterministic for a (kind, user, client id) unless the client's id
-- is free at the time, so a race between two users for one id resolves on the next attempt.
CREATE OR REPLACE FUNCTION agent_storage_id(p_kind text, p_user text, p_client text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p_client ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' AND p_client !~ '^[0-9]+$'
         AND NOT CASE p_kind
               WHEN 'session' THEN EXISTS (SELECT 1 FROM sessions WHERE id = p_client)
               ELSE EXISTS (SELECT 1 FROM runs WHERE id = p_client) END
    THEN p_client
    ELSE '~' || encode(sha256(convert_to(
           p_kind || ':' || length(p_user) || ':' || p_user || ':' || p_client, 'UTF8')), 'hex')
  END
$$;
--> statement-breakpoint

-- agent_insert_messages: as in 0002, with the "already stored" check scoped to the session.
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
    WHERE NOT (p_skip_stored AND EXISTS (
      SELECT 1 FROM messages stored WHERE stored.session_id = p_session AND stored.id = i.id))
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

DROP FUNCTION IF EXISTS agent_admit(jsonb);
--> statement-breakpoint

-- agent_admit(p): records an admitted run and claims its session, if the session is still the
-- one the caller read (same version, no active run) or does not exist yet.
--   p.user_id, p.thread_id, p.client_run_id, p.workflow, p.kind, p.idempotency_key, p.now
--   p.session_id          the session's storage id as read (null: the session must not exist)
--   p.expected_version    the version read (null with p.session_id)
--   p.parent_client_run_id  the run this one continues (a resume), by its client id
-- Returns {version, session_id, run_id} (storage ids); AR001 when the session changed
-- meanwhile, 23505 when another admission took the run id (read again).
CREATE FUNCTION agent_admit(p jsonb) RETURNS jsonb
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
             AND r.client_run_id = p->>'parent_client_run_id'),
          p->>'parent_client_run_id', p->>'workflow', p->>'idempotency_key', v_now);
  RETURN jsonb_build_object('version', v_version, 'session_id', v_session, 'run_id', v_run);
END;
$$;
--> statement-breakpoint

-- agent_busy(active run's storage id): the "busy" answer of agent_admit_turn, naming the active
-- run as its client does.
CREATE OR REPLACE FUNCTION agent_busy(p_active text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('outcome', 'busy', 'active_run_id',
    coalesce((SELECT client_run_id FROM runs WHERE id = p_active), p_active));
$$;
--> statement-breakpoint

-- agent_admit_turn(p): the one-round-trip admission of a plain user turn (no tool results, no
-- resume entries), as in 0009 (a busy thread answers {outcome: "busy"} in one round trip, its
-- check reads without locking), by the client's ids: it admits only when nothing needs a
-- decision (the run id and idempotency key are new to the user's thread, the thread is new or
-- has no active run and no call waiting for an answer); anything else answers
-- {outcome: "slow"} without writing.
--   p.user_id, p.thread_id, p.client_run_id, p.workflow, p.idempotency_key, p.now
-- Returns {outcome: "admitted", version, message_count, last_seq, workflow, created_at,
-- session_id, run_id}, {outcome: "busy", active_run_id (the client's id)} or {outcome: "slow"}.
CREATE OR REPLACE FUNCTION agent_admit_turn(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_user text := p->>'user_id';
  v_thread text := p->>'thread_id';
  v_session sessions%ROWTYPE;
  v_session_id text;
  v_run text;
  v_version integer;
  v_active text;
BEGIN
  IF EXISTS (SELECT 1 FROM runs WHERE user_id = v_user AND client_run_id = p->>'client_run_id')
     OR (p->>'idempotency_key' IS NOT NULL AND EXISTS (
           SELECT 1 FROM runs r JOIN sessions s ON s.id = r.session_id
           WHERE s.user_id = v_user AND s.thread_id = v_thread
             AND r.idempotency_key = p->>'idempotency_key')) THEN
    RETURN jsonb_build_object('outcome', 'slow');
  END IF;

  SELECT s.active_run_id INTO v_active FROM sessions s
  WHERE s.user_id = v_user AND s.thread_id = v_thread AND s.deleted_at IS NULL;
  IF v_active IS NOT NULL THEN
    RETURN agent_busy(v_active);
  END IF;

  v_run := agent_storage_id('run', v_user, p->>'client_run_id');
  SELECT * INTO v_session FROM sessions
  WHERE user_id = v_user AND thread_id = v_thread FOR UPDATE;
  IF NOT FOUND THEN
    v_session_id := agent_storage_id('session', v_user, v_thread);
    INSERT INTO sessions (id, thread_id, user_id, workflow, status, active_run_id, version,
                          created_at, updated_at)
    VALUES (v_session_id, v_thread, v_user, p->>'workflow', 'queued', v_run, 1, v_now, v_now)
    ON CONFLICT DO NOTHING
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
      -- Another request created the session meanwhile (this insert waited for its commit).
      SELECT s.active_run_id INTO v_active FROM sessions s
      WHERE s.user_id = v_user AND s.thread_id = v_thread AND s.deleted_at IS NULL;
      IF v_active IS NOT NULL THEN
        RETURN agent_busy(v_active);
      END IF;
      RETURN jsonb_build_object('outcome', 'slow');
    END IF;
  ELSIF v_session.deleted_at IS NOT NULL THEN
    RETURN jsonb_build_object('outcome', 'slow');
  ELSIF v_session.active_run_id IS NOT NULL THEN
    -- Claimed by another request while this one waited for the row lock.
    RETURN agent_busy(v_session.active_run_id);
  ELSIF jsonb_path_exists(coalesce(v_session.state_snapshot, '{}'::jsonb),
                          '$.pending_tool_calls[*] ? (@.status == "PENDING_APPROVAL")') THEN
    RETURN jsonb_build_object('outcome', 'slow');
  ELSE
    v_session_id := v_session.id;
    UPDATE sessions SET status = 'queued', active_run_id = v_run, version = version + 1,
                        updated_at = v_now
    WHERE id = v_session_id
    RETURNING version INTO v_version;
  END IF;

  INSERT INTO runs (id, client_run_id, thread_id, session_id, user_id, kind, workflow,
                    idempotency_key, created_at)
  VALUES (v_run, p->>'client_run_id', v_thread, v_session_id, v_user, 'run',
          coalesce(v_session.workflow, p->>'workflow'), p->>'idempotency_key', v_now);

  RETURN jsonb_build_object(
    'outcome', 'admitted',
    'version', v_version,
    'message_count', coalesce(v_session.message_count, 0),
    'last_seq', coalesce(v_session.last_seq, 0),
    'workflow', coalesce(v_session.workflow, p->>'workflow'),
    'created_at', coalesce(v_session.created_at, v_now),
    'session_id', v_session_id,
    'run_id', v_run);
END;
$$;
