-- Tell every process that caches the resolved agent configuration that system_agents changed.
-- The loader LISTENs on this channel and re-resolves on its next use.
CREATE OR REPLACE FUNCTION notify_system_agents_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('system_agents_changed', TG_OP);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER system_agents_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON system_agents
FOR EACH STATEMENT EXECUTE FUNCTION notify_system_agents_changed();
