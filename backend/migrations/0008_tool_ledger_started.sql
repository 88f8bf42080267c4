-- The tool ledger records a call before its handler runs ("started"), then its outcome
-- ("completed" with the result, "failed" with the error), so a retried attempt can tell a call
-- that finished from one whose outcome a crash left unknown ("unknown": never run again unless
-- the tool is idempotent). Existing rows were written after their handler returned.
ALTER TABLE "tool_executions" ADD COLUMN "status" text DEFAULT 'completed' NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_executions" ALTER COLUMN "result" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_executions" ADD CONSTRAINT "tool_executions_status_check" CHECK ("status" in ('started', 'completed', 'failed', 'unknown'));
