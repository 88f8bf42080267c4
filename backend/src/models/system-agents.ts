import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/** The database side of agent configuration; merged over the static YAML (database wins). */
export const systemAgents = pgTable(
  "system_agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentType: text("agent_type").notNull(),
    name: text("name"),
    version: integer("version").notNull().default(1),
    enabled: boolean("enabled").notNull().default(true),
    llm: jsonb("llm").$type<Record<string, unknown>>(),
    role: text("role"),
    goal: text("goal"),
    backstory: text("backstory"),
    tools: jsonb("tools").$type<string[]>(),
    maxIter: integer("max_iter"),
    config: jsonb("config").$type<Record<string, unknown>>(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    unique("system_agents_agent_type_version_key").on(table.agentType, table.version),
    index("system_agents_enabled_idx").on(table.agentType).where(sql`${table.enabled}`),
  ],
);
