import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import jsonc from "jsonc-parser";
import type { ConfigReport } from "./config-report.js";
import { isRecord } from "./zod-issues.js";

/** What a JSONC project holds, in the shapes of agents.yaml, tasks.yaml and workflow.yaml. */
export interface JsoncProject {
  crewFile: string;
  agents: Record<string, unknown>;
  tasks: Record<string, unknown>;
  workflow: Record<string, unknown>;
}

// Crew fields that become part of the workflow; every other crew field is reported as unused.
const WORKFLOW_FIELDS: ReadonlySet<string> = new Set([
  "name",
  "agents",
  "tasks",
  "process",
  "inputs",
]);

/**
 * CrewAI's JSON-first layout (`crewai create crew`, CrewAI 1.15+): `crew.jsonc` (or
 * `crew.json`) with the crew's agents (names), tasks (a list), process and default inputs, and
 * one `agents/<name>.jsonc` per agent whose `settings` hold max_iter, allow_delegation….
 * Converted to what agents.yaml, tasks.yaml and workflow.yaml would say, so the same checks
 * apply. `undefined` when the directory has no crew file.
 */
export function readJsoncProject(input: {
  directory: string;
  report: ConfigReport;
}): JsoncProject | undefined {
  const { directory, report } = input;
  const crewFile = ["crew.jsonc", "crew.json"].find((name) => existsSync(join(directory, name)));
  if (crewFile === undefined) return undefined;
  const crew = readJsoncFile({ directory, file: crewFile, report });
  if (crew === undefined) return { crewFile, agents: {}, tasks: {}, workflow: {} };

  for (const field of Object.keys(crew)) {
    if (!WORKFLOW_FIELDS.has(field)) {
      report.unusedField({ file: crewFile, owner: "crew", field, crewaiField: true });
    }
  }
  const agentNames = Array.isArray(crew.agents) ? crew.agents : [];
  if (agentNames.length === 0) report.problem(crewFile, "agents", "must list at least one agent");
  const agents: Record<string, unknown> = {};
  for (const name of agentNames) {
    if (typeof name !== "string" || name === "") {
      report.problem(crewFile, "agents", "each agent must be the name of a file in agents/");
      continue;
    }
    const definition = readAgentFile({ directory, name, report });
    if (definition !== undefined) agents[name] = definition;
  }

  const tasks: Record<string, unknown> = {};
  const taskList = Array.isArray(crew.tasks) ? crew.tasks : [];
  if (taskList.length === 0) report.problem(crewFile, "tasks", "must list at least one task");
  for (const [index, task] of taskList.entries()) {
    if (!isRecord(task)) {
      report.problem(crewFile, `tasks[${index}]`, "must be an object");
      continue;
    }
    const { name, ...fields } = task;
    const key = typeof name === "string" && name !== "" ? name : `task_${index + 1}`;
    if (Object.hasOwn(tasks, key)) {
      report.problem(crewFile, `tasks[${index}].name`, `duplicate task name "${key}"`);
    }
    tasks[key] = fields;
  }

  const workflowName = typeof crew.name === "string" && crew.name !== "" ? crew.name : "default";
  const workflow = {
    default: workflowName,
    workflows: {
      [workflowName]: {
        ...(crew.process === undefined ? {} : { process: crew.process }),
        ...(crew.inputs === undefined ? {} : { inputs: crew.inputs }),
        stages: Object.keys(tasks).map((task) => ({ task })),
      },
    },
  };
  return { crewFile, agents, tasks, workflow };
}

/** An agent file: its `settings` are agent fields too (a field given at both levels: the top one). */
function readAgentFile(input: {
  directory: string;
  name: string;
  report: ConfigReport;
}): Record<string, unknown> | undefined {
  const { directory, name, report } = input;
  const file = [`agents/${name}.jsonc`, `agents/${name}.json`].find((candidate) =>
    existsSync(join(directory, candidate)),
  );
  if (file === undefined) {
    report.problem(`agents/${name}.jsonc`, "(file)", `not found in ${directory}`);
    return undefined;
  }
  const definition = readJsoncFile({ directory, file, report });
  if (definition === undefined) return undefined;
  const { settings, type, ...fields } = definition;
  // `type` names the agent class; the plain Agent is what this runtime runs.
  if (type !== undefined && type !== "agent" && type !== "Agent") {
    report.unusedField({ file, owner: name, field: "type", crewaiField: true });
  }
  return { ...(isRecord(settings) ? settings : {}), ...fields };
}

function readJsoncFile(input: {
  directory: string;
  file: string;
  report: ConfigReport;
}): Record<string, unknown> | undefined {
  const { directory, file, report } = input;
  let source: string;
  try {
    source = readFileSync(join(directory, file), "utf8");
  } catch (error) {
    report.problem(file, "(file)", `cannot be read: ${(error as Error).message}`);
    return undefined;
  }
  const errors: jsonc.ParseError[] = [];
  const value: unknown = jsonc.parse(source, errors, { allowTrailingComma: true });
  for (const error of errors) {
    const { line, column } = position(source, error.offset);
    report.problem(file, `line ${line}, column ${column}`, jsonc.printParseErrorCode(error.error));
  }
  if (errors.length > 0) return undefined;
  if (!isRecord(value)) {
    report.problem(file, "(root)", "must be a JSON object");
    return undefined;
  }
  return value;
}

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
