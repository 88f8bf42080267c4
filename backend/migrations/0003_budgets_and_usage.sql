CREATE TABLE "budget_reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"session_id" text NOT NULL,
	"run_id" text NOT NULL,
	"agent_type" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"estimate_usd" numeric(20, 12),
	"estimate_tokens" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_budgets" (
	"user_id" text PRIMARY KEY NOT NULL,
	"limits" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_daily_spend" (
	"user_id" text NOT NULL,
	"day" date NOT NULL,
	"shard" smallint NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "user_daily_spend_user_id_day_shard_pk" PRIMARY KEY("user_id","day","shard"),
	CONSTRAINT "user_daily_spend_shard_check" CHECK ("user_daily_spend"."shard" between 0 and 7)
);
--> statement-breakpoint
ALTER TABLE "llm_calls" ADD COLUMN "user_id" text;--> statement-breakpoint
CREATE INDEX "budget_reservations_user_idx" ON "budget_reservations" USING btree ("user_id","expires_at");--> statement-breakpoint
CREATE INDEX "budget_reservations_session_idx" ON "budget_reservations" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "budget_reservations_run_idx" ON "budget_reservations" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "llm_calls_user_started_idx" ON "llm_calls" USING btree ("user_id","started_at");--> statement-breakpoint
-- Attribute existing calls to their run's user, and count what they spent, so budgets and
-- /usage see the history from the start.
UPDATE "llm_calls" c SET "user_id" = r."user_id" FROM "runs" r WHERE c."user_id" IS NULL AND r."id" = c."run_id";--> statement-breakpoint
INSERT INTO "user_daily_spend" ("user_id", "day", "shard", "cost_usd", "tokens", "calls")
SELECT "user_id", ("started_at" AT TIME ZONE 'UTC')::date, hashtext("run_id") & 7,
       sum(coalesce("cost_usd", 0)), sum("input_tokens" + "output_tokens"), count(*)
FROM "llm_calls" WHERE "user_id" IS NOT NULL
GROUP BY 1, 2, 3;
