/** Where the table's problems point instead of a YAML file name. */
export const SYSTEM_AGENTS_TABLE = "system_agents";

/**
 * One problem in the agent configuration. `file` is a YAML file name (`tasks.yaml`) or
 * `system_agents`; `key` is the path inside it (`respond_to_user.agent`,
 * `system_agents[<id>].role`, or `line 3, column 5` for a syntax error).
 */
export interface ConfigProblem {
  file: string;
  key: string;
  message: string;
}

export function describeConfigProblem(problem: ConfigProblem): string {
  // Table keys already start with the table name (`system_agents[<id>].role`).
  if (problem.file === SYSTEM_AGENTS_TABLE) return `${problem.key}: ${problem.message}`;
  return `${problem.file}: ${problem.key}: ${problem.message}`;
}

/**
 * The agent configuration (static YAML and/or `system_agents` rows) is invalid. Lists every
 * problem found; `file` and `key` are those of the first one.
 */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  readonly file: string;
  readonly key: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const [first] = problems;
    if (!first) throw new RangeError("ConfigError needs at least one problem");
    super(
      `Invalid agent configuration:\n${problems.map((problem) => `  ${describeConfigProblem(problem)}`).join("\n")}`,
    );
    this.name = "ConfigError";
    this.file = first.file;
    this.key = first.key;
    this.problems = problems;
  }
}
