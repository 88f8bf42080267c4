import { z } from "zod";
import { FRONTEND_TOOL_PREFIX } from "../../domain/tool-policy.js";
import { BUILTIN_HANDLER_NAMES } from "../tools/builtin-tool-source.js";
import type { ConfigReport } from "./config-report.js";
import { BUILTIN_SOURCE, parseToolSources, SOURCES_KEY } from "./parse-tool-sources.js";
import type { ToolConfig, ToolSourceConfig } from "./runtime-config.js";
import { ACKNOWLEDGE_HANDLER, AGUI_TOOL_FIELDS } from "./tool-agui-fields.js";
import { handlerName, handlerSource } from "./tool-selectors.js";
import { withoutUndefined } from "./without-undefined.js";
import { isRecord, reportZodIssues } from "./zod-issues.js";

export const TOOLS_FILE = "tools.yaml";

/** Names the client declares at run time; a backend tool may not take this prefix. */

// Dots are allowed here; the LLM layer maps them to provider-safe function names.
const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === "object", {
    message: 'must be a JSON Schema with type "object"',
  })
  .refine((schema) => schema.properties === undefined || isRecord(schema.properties), {
    message: "properties must be a mapping",
    path: ["properties"],
  })
  .refine(
    (schema) =>
      schema.required === undefined ||
      (Array.isArray(schema.required) &&
        schema.required.every(
          (name) =>
            typeof name === "string" && isRecord(schema.properties) && name in schema.properties,
        )),
    { message: "must list names declared in properties", path: ["required"] },
  );

// Strict: a misspelt `requires_approval` must not silently turn an approval tool into a direct one.
const ToolSchema = z.strictObject({
  description: z.string().trim().min(1, "must not be empty"),
  parameters: JsonSchemaObject.default({ type: "object", properties: {} }),
  requires_approval: z.boolean().default(false),
  approval_ttl_seconds: z.number().int().positive().optional(),
  // Optional only for AG-UI-only tools (interrupt / predict_state), checked below.
  handler: z.string().trim().min(1, "must not be empty").optional(),
  side_effects: z.boolean().default(false),
  idempotent: z.boolean().default(false),
  timeout_ms: z.number().int().positive().optional(),
  max_result_bytes: z.number().int().positive().optional(),
  ...AGUI_TOOL_FIELDS,
});

/**
 * tools.yaml: backend tools keyed by name, and under `sources` the MCP servers, HTTP services
 * and handler modules their handlers (`<source>.<name>`) come from.
 */
export function parseToolsFile(input: {
  content: Record<string, unknown>;
  /** The config directory (module paths are relative to it). */
  directory: string;
  report: ConfigReport;
}): { tools: Record<string, ToolConfig>; sources: Record<string, ToolSourceConfig> } {
  const { content, directory, report } = input;
  const sources = parseToolSources({
    content: content[SOURCES_KEY],
    file: TOOLS_FILE,
    directory,
    report,
  });
  const tools: Record<string, ToolConfig> = {};
  for (const [name, entry] of Object.entries(content)) {
    if (name === SOURCES_KEY) continue;
    if (!TOOL_NAME.test(name)) {
      report.problem(TOOLS_FILE, name, "tool names use letters, digits, _ . - (at most 64)");
      continue;
    }
    if (name.startsWith(FRONTEND_TOOL_PREFIX)) {
      report.problem(
        TOOLS_FILE,
        name,
        `the "${FRONTEND_TOOL_PREFIX}" prefix is for frontend tools`,
      );
      continue;
    }
    const result = ToolSchema.safeParse(entry ?? {});
    if (!result.success) {
      reportZodIssues({
        error: result.error,
        raw: entry,
        file: TOOLS_FILE,
        prefix: [name],
        report,
      });
      continue;
    }
    const tool = result.data;
    if (tool.interrupt && tool.requires_approval) {
      report.problem(TOOLS_FILE, `${name}.interrupt`, "an ask-the-user tool needs no approval");
      continue;
    }
    if (!tool.handler && !tool.interrupt && !tool.predict_state) {
      report.problem(TOOLS_FILE, `${name}.handler`, "required field is missing");
      continue;
    }
    const handlerProblem = tool.handler
      ? unknownHandler(tool.handler, content[SOURCES_KEY], sources)
      : undefined;
    if (handlerProblem) {
      report.problem(TOOLS_FILE, `${name}.handler`, handlerProblem);
      continue;
    }
    if (tool.approval_ttl_seconds !== undefined && !tool.requires_approval) {
      report.warn(
        TOOLS_FILE,
        `${name}.approval_ttl_seconds`,
        "ignored: the tool needs no approval",
      );
    }
    const {
      approval_ttl_seconds,
      interrupt,
      predict_state,
      handler,
      timeout_ms,
      max_result_bytes,
      ...rest
    } = tool;
    tools[name] = {
      name,
      ...rest,
      ...(timeout_ms === undefined ? {} : { timeout_ms }),
      ...(max_result_bytes === undefined ? {} : { max_result_bytes }),
      handler: handler ?? ACKNOWLEDGE_HANDLER,
      ...(approval_ttl_seconds === undefined ? {} : { approval_ttl_seconds }),
      ...(interrupt === undefined ? {} : { interrupt: withoutUndefined(interrupt) }),
      ...(predict_state === undefined ? {} : { predict_state }),
    };
  }
  return { tools, sources };
}

/** Why `handler` names nothing: `<source>.<name>`, with `builtin` or a declared source. */
function unknownHandler(
  handler: string,
  rawSources: unknown,
  sources: Readonly<Record<string, ToolSourceConfig>>,
): string | undefined {
  const source = handlerSource(handler);
  const name = handlerName(handler);
  if (!name) return `"${handler}" is not <source>.<name> (e.g. builtin.get_current_time)`;
  if (source === BUILTIN_SOURCE) {
    return BUILTIN_HANDLER_NAMES.includes(name)
      ? undefined
      : `unknown built-in handler "${handler}" (${BUILTIN_HANDLER_NAMES.map((known) => `builtin.${known}`).join(", ")})`;
  }
  if (Object.hasOwn(sources, source)) return undefined;
  // A source with a problem of its own is already reported; do not report its tools too.
  const declared = typeof rawSources === "object" && rawSources !== null && source in rawSources;
  return declared ? undefined : `unknown tool source "${source}" (declare it under ${SOURCES_KEY})`;
}
