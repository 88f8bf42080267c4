import { ConfigError, type ConfigProblem, describeConfigProblem } from "./config-error.js";

interface UnusedField {
  file: string;
  field: string;
  owners: string[];
  crewaiField: boolean;
}

/** Collects every problem and warning of one load, so a single error can list them all. */
export class ConfigReport {
  readonly problems: ConfigProblem[] = [];
  private readonly plainWarnings: string[] = [];
  private readonly unusedFields = new Map<string, UnusedField>();
  private readonly fileNames = new Map<string, string>();

  /** Reports about `file` name `shownAs` instead (a JSONC project's agents.yaml is its agents/ files). */
  showFileAs(file: string, shownAs: string): void {
    this.fileNames.set(file, shownAs);
  }

  problem(file: string, key: string, message: string): void {
    this.problems.push({ file: this.shown(file), key, message });
  }

  warn(file: string, key: string, message: string): void {
    const warning = describeConfigProblem({ file: this.shown(file), key, message });
    if (!this.plainWarnings.includes(warning)) this.plainWarnings.push(warning);
  }

  /** A field kept in `extra`; reported once per file and field name, naming every owner. */
  unusedField(input: { file: string; owner: string; field: string; crewaiField: boolean }): void {
    const file = this.shown(input.file);
    const id = `${file}\u0000${input.field}`;
    const entry = this.unusedFields.get(id);
    if (entry) {
      if (!entry.owners.includes(input.owner)) entry.owners.push(input.owner);
      return;
    }
    this.unusedFields.set(id, {
      file,
      field: input.field,
      owners: [input.owner],
      crewaiField: input.crewaiField,
    });
  }

  warnings(): string[] {
    const unused = [...this.unusedFields.values()].map(({ file, field, owners, crewaiField }) => {
      const what = crewaiField
        ? "is a CrewAI field this runtime does not use"
        : "is not a known field";
      return `${file}: field "${field}" (${owners.join(", ")}) ${what}; kept in extra`;
    });
    return [...this.plainWarnings, ...unused];
  }

  private shown(file: string): string {
    return this.fileNames.get(file) ?? file;
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
