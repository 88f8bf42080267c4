export { auditLog } from "./audit-log.js";
export { budgetReservations, userBudgets, userDailySpend } from "./budgets.js";
export { llmCalls } from "./llm-calls.js";
export { messages, type StoredToolCall } from "./messages.js";
export { runs } from "./runs.js";
export { sessions } from "./sessions.js";
export { systemAgents } from "./system-agents.js";
export { toolExecutions } from "./tool-executions.js";
