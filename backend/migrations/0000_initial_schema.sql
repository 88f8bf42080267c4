CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"session_id" text,
	"run_id" text,
	"tool_call_id" text,
	"error_code" text,
	"payload" jsonb
);
--> statement-breakpoint
CREATE TABLE "llm_calls" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"session_id" text NOT NULL,
	"agent_type" text NOT NULL,
	"stage" text NOT NULL,
	"provider" text NOT NULL,
	"model_requested" text NOT NULL,
	"model_response" text,
	"response_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"first_token_at" timestamp with time zone,
	"ended_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"finish_reason" text,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"total_tokens" bigint DEFAULT 0 NOT NULL,
	"usage_raw" jsonb,
	"cost_usd" numeric(20, 12),
	"cost_source" text NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_calls_status_check" CHECK ("llm_calls"."status" in ('success', 'error', 'aborted')),
	CONSTRAINT "llm_calls_cost_source_check" CHECK ("llm_calls"."cost_source" in ('provider_reported', 'genai_prices', 'override', 'unpriced'))
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"run_id" text,
	"seq" integer NOT NULL,
	"role" text NOT NULL,
	"content" text,
	"content_parts" jsonb,
	"tool_calls" jsonb,
	"tool_call_id" text,
	"error" text,
	"stage" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_session_seq_key" UNIQUE("session_id","seq"),
	CONSTRAINT "messages_role_check" CHECK ("messages"."role" in ('user', 'assistant', 'tool', 'system'))
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text DEFAULT 'run' NOT NULL,
	"parent_run_id" text,
	"workflow" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"error_code" text,
	"error_message" text,
	"idempotency_key" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"cancel_requested_at" timestamp with time zone,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"llm_call_count" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "runs_session_idempotency_key" UNIQUE("session_id","idempotency_key"),
	CONSTRAINT "runs_kind_check" CHECK ("runs"."kind" in ('run', 'resume')),
	CONSTRAINT "runs_status_check" CHECK ("runs"."status" in ('queued', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"workflow" text NOT NULL,
	"status" text DEFAULT 'idle' NOT NULL,
	"state_snapshot" jsonb,
	"version" integer DEFAULT 0 NOT NULL,
	"active_run_id" text,
	"message_count" integer DEFAULT 0 NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"llm_call_count" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "sessions_status_check" CHECK ("sessions"."status" in ('idle', 'queued', 'running', 'interrupted', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "system_agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_type" text NOT NULL,
	"name" text,
	"version" integer DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"llm" jsonb,
	"role" text,
	"goal" text,
	"backstory" text,
	"tools" jsonb,
	"max_iter" integer,
	"config" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "system_agents_agent_type_version_key" UNIQUE("agent_type","version")
);
--> statement-breakpoint
CREATE TABLE "tool_executions" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"tool_name" text NOT NULL,
	"result" jsonb NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_session_idx" ON "audit_log" USING btree ("session_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_log_run_idx" ON "audit_log" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "llm_calls_run_idx" ON "llm_calls" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "llm_calls_session_started_idx" ON "llm_calls" USING btree ("session_id","started_at");--> statement-breakpoint
CREATE INDEX "llm_calls_started_idx" ON "llm_calls" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "messages_run_idx" ON "messages" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "runs_session_created_idx" ON "runs" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "sessions_user_updated_idx" ON "sessions" USING btree ("user_id","updated_at" DESC NULLS LAST) WHERE "sessions"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "system_agents_enabled_idx" ON "system_agents" USING btree ("agent_type") WHERE "system_agents"."enabled";