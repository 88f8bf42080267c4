-- Budgets (ARCHITECTURE.md §9, "Spend"): settlement in the metering insert, and the two
-- budget statements, one round trip each:
--   agent_insert_llm_calls   (replaced) also writes llm_calls.user_id, deletes the reservation
--                            each new row settles and adds the rows to user_daily_spend
--   agent_budget_usage       what each limited scope has spent and holds (read only)
--   agent_budget_reserve     checks a call's estimate against every limit and, if it fits,
--                            inserts its reservation, atomically per user
-- Money crosses the JSON boundary as text (exact numeric), never as a JSON number.

-- agent_insert_llm_calls: inserts llm_calls rows, skipping call ids already stored, and returns
-- the rows that were new (the caller moves the run and session totals by exactly these). Each
-- new row settles its call's reservation (same id) and counts in its user's daily spend, in
-- the caller's transaction: spend and reservations never both count, nor neither.
CREATE OR REPLACE FUNCTION agent_insert_llm_calls(p_calls jsonb)
RETURNS TABLE (id uuid, run_id text, session_id text, input_tokens bigint, output_tokens bigint,
               cache_read_tokens bigint, reasoning_tokens bigint, cost_usd numeric(20, 12))
LANGUAGE sql AS $$
  WITH inserted AS (
    INSERT INTO llm_calls (id, run_id, session_id, user_id, agent_type, stage, provider,
      model_requested, model_response, response_id, started_at, first_token_at, ended_at, status,
      finish_reason, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens,
      reasoning_tokens, total_tokens, usage_raw, cost_usd, cost_source, error)
    SELECT c.id, c.run_id, c.session_id,
      coalesce(c.user_id, (SELECT r.user_id FROM runs r WHERE r.id = c.run_id)),
      c.agent_type, c.stage, c.provider, c.model_requested, c.model_response, c.response_id,
      c.started_at, c.first_token_at, c.ended_at, c.status, c.finish_reason,
      coalesce(c.input_tokens, 0), coalesce(c.cache_read_tokens, 0),
      coalesce(c.cache_write_tokens, 0), coalesce(c.output_tokens, 0),
      coalesce(c.reasoning_tokens, 0), coalesce(c.total_tokens, 0), c.usage_raw, c.cost_usd,
      c.cost_source, c.error
    FROM jsonb_to_recordset(coalesce(p_calls, '[]'::jsonb)) AS c(
      id uuid, run_id text, session_id text, user_id text, agent_type text, stage text,
      provider text, model_requested text, model_response text, response_id text,
      started_at timestamptz, first_token_at timestamptz, ended_at timestamptz, status text,
      finish_reason text, input_tokens bigint, cache_read_tokens bigint,
      cache_write_tokens bigint, output_tokens bigint, reasoning_tokens bigint,
      total_tokens bigint, usage_raw jsonb, cost_usd numeric(20, 12), cost_source text,
      error text)
    ON CONFLICT ON CONSTRAINT llm_calls_pkey DO NOTHING
    RETURNING llm_calls.id, llm_calls.run_id, llm_calls.session_id, llm_calls.user_id,
              llm_calls.started_at, llm_calls.input_tokens, llm_calls.output_tokens,
              llm_calls.cache_read_tokens, llm_calls.reasoning_tokens, llm_calls.cost_usd
  ), settled AS (
    DELETE FROM budget_reservations b USING inserted i WHERE b.id = i.id
  ), spent AS (
    -- Shards in a fixed order: two transactions touching the same rows lock them alike.
    INSERT INTO user_daily_spend AS d (user_id, day, shard, cost_usd, tokens, calls)
    SELECT i.user_id, (i.started_at AT TIME ZONE 'UTC')::date, hashtext(i.run_id) & 7,
           sum(coalesce(i.cost_usd, 0)), sum(i.input_tokens + i.output_tokens), count(*)
    FROM inserted i
    WHERE i.user_id IS NOT NULL
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (user_id, day, shard) DO UPDATE SET
      cost_usd = d.cost_usd + excluded.cost_usd,
      tokens = d.tokens + excluded.tokens,
      calls = d.calls + excluded.calls
  )
  SELECT i.id, i.run_id, i.session_id, i.input_tokens, i.output_tokens, i.cache_read_tokens,
         i.reasoning_tokens, i.cost_usd
  FROM inserted i;
$$;
--> statement-breakpoint

-- agent_budget_usage(p): the limits that apply and what each scope has used.
--   p.user_id                         required
--   p.session_id, p.run_id            optional: their scopes are reported when given
--   p.limits {user: {usd, tokens, period}, session: {usd, tokens}, run: {usd, tokens}}
--                                     the settings defaults with the calling agent's budget;
--                                     the user's user_budgets row is laid over `user` here
--   p.now                             the caller's clock (periods and expiry are computed at it)
--   p.all_scopes                      report scopes without a limit too (for GET /budget)
-- Returns {override, scopes: [{scope, limit_usd, limit_tokens, period?, period_start,
-- resets_at, spent_usd, spent_tokens, reserved_usd, reserved_tokens}]}: a scope without a
-- limit is left out (unless p.all_scopes), so an unlimited scope costs no query. Periods are
-- calendar days and months in UTC.
CREATE OR REPLACE FUNCTION agent_budget_usage(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_user text := p->>'user_id';
  v_all boolean := coalesce((p->>'all_scopes')::boolean, false);
  v_override jsonb;
  v_limit jsonb;
  v_period text;
  v_start timestamptz;
  v_resets timestamptz;
  v_spent_usd numeric;
  v_spent_tokens bigint;
  v_reserved_usd numeric;
  v_reserved_tokens bigint;
  v_scopes jsonb := '[]'::jsonb;
BEGIN
  SELECT b.limits INTO v_override FROM user_budgets b WHERE b.user_id = v_user;

  -- user: the period's days, over all shards
  v_limit := coalesce(p->'limits'->'user', '{}'::jsonb) || coalesce(v_override, '{}'::jsonb);
  IF v_all OR jsonb_typeof(v_limit->'usd') = 'string' OR jsonb_typeof(v_limit->'tokens') = 'number' THEN
    v_period := coalesce(v_limit->>'period', 'none');
    IF v_period = 'daily' THEN
      v_start := date_trunc('day', v_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
      v_resets := (date_trunc('day', v_now AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC';
    ELSIF v_period = 'monthly' THEN
      v_start := date_trunc('month', v_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
      v_resets := (date_trunc('month', v_now AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    ELSE
      v_start := NULL;
      v_resets := NULL;
    END IF;
    SELECT coalesce(sum(d.cost_usd), 0), coalesce(sum(d.tokens), 0)
    INTO v_spent_usd, v_spent_tokens
    FROM user_daily_spend d
    WHERE d.user_id = v_user AND (v_start IS NULL OR d.day >= (v_start AT TIME ZONE 'UTC')::date);
    SELECT coalesce(sum(b.estimate_usd), 0), coalesce(sum(b.estimate_tokens), 0)
    INTO v_reserved_usd, v_reserved_tokens
    FROM budget_reservations b WHERE b.user_id = v_user AND b.expires_at > v_now;
    v_scopes := v_scopes || jsonb_build_object(
      'scope', 'user', 'limit_usd', v_limit->>'usd', 'limit_tokens', (v_limit->>'tokens')::bigint,
      'period', v_period, 'period_start', v_start, 'resets_at', v_resets,
      'spent_usd', v_spent_usd::numeric(20, 12)::text, 'spent_tokens', v_spent_tokens,
      'reserved_usd', v_reserved_usd::numeric(20, 12)::text, 'reserved_tokens', v_reserved_tokens);
  END IF;

  -- session: its lifetime totals (moved by the same checkpoints that settle its calls)
  v_limit := coalesce(p->'limits'->'session', '{}'::jsonb);
  IF p->>'session_id' IS NOT NULL AND (v_all OR jsonb_typeof(v_limit->'usd') = 'string'
     OR jsonb_typeof(v_limit->'tokens') = 'number') THEN
    SELECT coalesce(max(s.cost_usd), 0), coalesce(max(s.input_tokens + s.output_tokens), 0)
    INTO v_spent_usd, v_spent_tokens
    FROM sessions s WHERE s.id = p->>'session_id';
    SELECT coalesce(sum(b.estimate_usd), 0), coalesce(sum(b.estimate_tokens), 0)
    INTO v_reserved_usd, v_reserved_tokens
    FROM budget_reservations b WHERE b.session_id = p->>'session_id' AND b.expires_at > v_now;
    v_scopes := v_scopes || jsonb_build_object(
      'scope', 'session', 'limit_usd', v_limit->>'usd', 'limit_tokens', (v_limit->>'tokens')::bigint,
      'period_start', NULL, 'resets_at', NULL,
      'spent_usd', v_spent_usd::numeric(20, 12)::text, 'spent_tokens', v_spent_tokens,
      'reserved_usd', v_reserved_usd::numeric(20, 12)::text, 'reserved_tokens', v_reserved_tokens);
  END IF;

  -- run: its totals
  v_limit := coalesce(p->'limits'->'run', '{}'::jsonb);
  IF p->>'run_id' IS NOT NULL AND (v_all OR jsonb_typeof(v_limit->'usd') = 'string'
     OR jsonb_typeof(v_limit->'tokens') = 'number') THEN
    SELECT coalesce(max(r.cost_usd), 0), coalesce(max(r.input_tokens + r.output_tokens), 0)
    INTO v_spent_usd, v_spent_tokens
    FROM runs r WHERE r.id = p->>'run_id';
    SELECT coalesce(sum(b.estimate_usd), 0), coalesce(sum(b.estimate_tokens), 0)
    INTO v_reserved_usd, v_reserved_tokens
    FROM budget_reservations b WHERE b.run_id = p->>'run_id' AND b.expires_at > v_now;
    v_scopes := v_scopes || jsonb_build_object(
      'scope', 'run', 'limit_usd', v_limit->>'usd', 'limit_tokens', (v_limit->>'tokens')::bigint,
      'period_start', NULL, 'resets_at', NULL,
      'spent_usd', v_spent_usd::numeric(20, 12)::text, 'spent_tokens', v_spent_tokens,
      'reserved_usd', v_reserved_usd::numeric(20, 12)::text, 'reserved_tokens', v_reserved_tokens);
  END IF;

  RETURN jsonb_build_object('override', v_override, 'scopes', v_scopes);
END;
$$;
--> statement-breakpoint

-- agent_budget_reserve(p): the one statement a model call waits for. Under a transaction lock
-- on the user (so a user's concurrent runs reserve one after another and each sees the
-- others' reservations), it drops the user's expired reservations, reads every limited
-- scope's spend and open reservations, and inserts the reservation only if the estimate fits
-- under every limit. The commit does not wait for the WAL flush: a reservation lost in a
-- database crash only frees room its call would have held until its checkpoint.
--   p: as agent_budget_usage, plus
--   p.id                    the call's id (its llm_calls row deletes the reservation)
--   p.session_id, p.run_id, p.agent_type, p.provider, p.model   required
--   p.estimate_usd          text; null/absent for a model without a known price
--   p.estimate_tokens       input estimate + output cap
--   p.unpriced              'tokens_only' (skip USD limits) | 'refuse' (refuse under USD limits)
--   p.expires_at            when the reservation stops counting if never settled
-- Returns {reserved: true, usage} or {reserved: false, usage, breach: <scope entry> +
-- {measure: 'usd'|'tokens', unpriced?: true}}; `usage` is the state before this reservation.
CREATE OR REPLACE FUNCTION agent_budget_reserve(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := (p->>'now')::timestamptz;
  v_estimate_usd numeric := (p->>'estimate_usd')::numeric;
  v_estimate_tokens bigint := (p->>'estimate_tokens')::bigint;
  v_usage jsonb;
  v_scope jsonb;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  -- 1650615143 = 'budg': a class of its own among advisory locks.
  PERFORM pg_advisory_xact_lock(1650615143, hashtext(p->>'user_id'));
  DELETE FROM budget_reservations b WHERE b.user_id = p->>'user_id' AND b.expires_at <= v_now;
  v_usage := agent_budget_usage(p - 'all_scopes');
  FOR v_scope IN SELECT value FROM jsonb_array_elements(v_usage->'scopes') LOOP
    IF v_scope->>'limit_usd' IS NOT NULL THEN
      IF v_estimate_usd IS NULL THEN
        IF p->>'unpriced' = 'refuse' THEN
          RETURN jsonb_build_object('reserved', false, 'usage', v_usage,
            'breach', v_scope || jsonb_build_object('measure', 'usd', 'unpriced', true));
        END IF;
      ELSIF (v_scope->>'spent_usd')::numeric + (v_scope->>'reserved_usd')::numeric + v_estimate_usd
            > (v_scope->>'limit_usd')::numeric THEN
        RETURN jsonb_build_object('reserved', false, 'usage', v_usage,
          'breach', v_scope || jsonb_build_object('measure', 'usd'));
      END IF;
    END IF;
    IF v_scope->>'limit_tokens' IS NOT NULL
       AND (v_scope->>'spent_tokens')::bigint + (v_scope->>'reserved_tokens')::bigint + v_estimate_tokens
           > (v_scope->>'limit_tokens')::bigint THEN
      RETURN jsonb_build_object('reserved', false, 'usage', v_usage,
        'breach', v_scope || jsonb_build_object('measure', 'tokens'));
    END IF;
  END LOOP;
  INSERT INTO budget_reservations (id, user_id, session_id, run_id, agent_type, provider, model,
    estimate_usd, estimate_tokens, created_at, expires_at)
  VALUES ((p->>'id')::uuid, p->>'user_id', p->>'session_id', p->>'run_id', p->>'agent_type',
    p->>'provider', p->>'model', v_estimate_usd, v_estimate_tokens, v_now,
    (p->>'expires_at')::timestamptz)
  ON CONFLICT (id) DO NOTHING;
  RETURN jsonb_build_object('reserved', true, 'usage', v_usage);
END;
$$;
