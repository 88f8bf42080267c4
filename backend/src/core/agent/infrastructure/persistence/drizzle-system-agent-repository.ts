import { eq } from "drizzle-orm";
import { systemAgents } from "../../../../models/index.js";
import type { SystemAgentRow } from "../config/runtime-config.js";
import type { Database } from "./database.js";

/** Reads `system_agents` rows for the config resolver (it filters and merges them). */
export class DrizzleSystemAgentRepository {
  constructor(private readonly db: Database) {}

  async listEnabled(): Promise<SystemAgentRow[]> {
    const rows = await this.db.select().from(systemAgents).where(eq(systemAgents.enabled, true));
    return rows.map((row) => ({
      id: row.id,
      agent_type: row.agentType,
      name: row.name,
      version: row.version,
      enabled: row.enabled,
      llm: row.llm ?? null,
      role: row.role,
      goal: row.goal,
      backstory: row.backstory,
      tools: row.tools ?? null,
      max_iter: row.maxIter,
      config: row.config ?? null,
      updated_at: row.updatedAt,
    }));
  }
}
