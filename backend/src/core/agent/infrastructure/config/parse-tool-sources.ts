import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { ConfigReport } from "./config-report.js";
import type { ToolSourceConfig } from "./runtime-config.js";
import { withoutUndefined } from "./without-undefined.js";
import { reportZodIssues } from "./zod-issues.js";

/** The tools.yaml key that holds the sources; every other top-level key is a tool. */
export const SOURCES_KEY = "sources";

/** The source of the handlers shipped with the runtime; always there, never declared. */
export const BUILTIN_SOURCE = "builtin";

// A source name is the first segment of a handler id (`crm.create_ticket`), so no dots.
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
// The name of a secret in settings tools.secrets (SOCIAL_TOOLS__SECRETS__<NAME>, lower-cased).
const SecretName = z
  .string()
  .regex(/^[a-z0-9]+(_[a-z0-9]+)*$/, "must name a secret: lower-case letters, digits, single _");
const HeaderName = z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name");
const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");

const limits = {
  timeout_ms: z.number().int().positive().optional(),
  max_result_bytes: z.number().int().positive().optional(),
};

const McpToolOverrideSchema = z.strictObject({
  requires_approval: z.boolean().optional(),
  approval_ttl_seconds: z.number().int().positive().optional(),
  side_effects: z.boolean().optional(),
  idempotent: z.boolean().optional(),
  ...limits,
});

const McpSourceSchema = z
  .strictObject({
    kind: z.literal("mcp"),
    // stdio
    command: z.string().trim().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(EnvName, z.string()).default({}),
    env_secrets: z.record(EnvName, SecretName).default({}),
    cwd: z.string().min(1).optional(),
    // Streamable HTTP
    url: z.url({ protocol: /^https?$/ }).optional(),
    header_secrets: z.record(HeaderName, SecretName).default({}),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/, "letters, digits, _ . - (at most 32)")
      .optional(),
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).default([]),
    requires_approval: z.boolean().default(false),
    tools: z.record(z.string().min(1), McpToolOverrideSchema).default({}),
    ...limits,
  })
  .refine((source) => (source.command === undefined) !== (source.url === undefined), {
    message: "give either command (stdio) or url (Streamable HTTP)",
  });

const HttpSourceSchema = z.strictObject({
  kind: z.literal("http"),
  url: z.url({ protocol: /^https?$/ }),
  signing_secret: SecretName.optional(),
  retries: z.number().int().min(0).max(10).default(2),
  ...limits,
});

const ModuleSourceSchema = z.strictObject({
  kind: z.literal("module"),
  path: z.string().trim().min(1),
  ...limits,
});

const SourceSchema = z.discriminatedUnion("kind", [
  McpSourceSchema,
  HttpSourceSchema,
  ModuleSourceSchema,
]);

/** tools.yaml `sources`: MCP servers, HTTP tool services and handler modules, by name. */
export function parseToolSources(input: {
  content: unknown;
  file: string;
  /** The config directory: module paths and stdio `cwd` are relative to it. */
  directory: string;
  report: ConfigReport;
}): Record<string, ToolSourceConfig> {
  const { content, file, directory, report } = input;
  const sources: Record<string, ToolSourceConfig> = {};
  if (content === undefined || content === null) return sources;
  if (typeof content !== "object" || Array.isArray(content)) {
    report.problem(file, SOURCES_KEY, "must be a mapping of source names to sources");
    return sources;
  }
  const prefixes = new Map<string, string>();
  for (const [name, entry] of Object.entries(content)) {
    const key = `${SOURCES_KEY}.${name}`;
    if (!SOURCE_NAME.test(name) || name === BUILTIN_SOURCE) {
      report.problem(
        file,
        key,
        name === BUILTIN_SOURCE
          ? `"${BUILTIN_SOURCE}" is the runtime's own source`
          : "source names use letters, digits, _ - (at most 32, starting with a letter)",
      );
      continue;
    }
    const result = SourceSchema.safeParse(entry ?? {});
    if (!result.success) {
      reportZodIssues({
        error: result.error,
        raw: entry,
        file,
        prefix: [SOURCES_KEY, name],
        report,
      });
      continue;
    }
    const source = result.data;
    const sourceLimits = withoutUndefined({
      timeout_ms: source.timeout_ms,
      max_result_bytes: source.max_result_bytes,
    });
    if (source.kind === "http") {
      sources[name] = {
        kind: "http",
        name,
        url: source.url.replace(/\/+$/, ""),
        retries: source.retries,
        ...(source.signing_secret ? { signing_secret: source.signing_secret } : {}),
        ...sourceLimits,
      };
    } else if (source.kind === "module") {
      sources[name] = {
        kind: "module",
        name,
        path: isAbsolute(source.path) ? source.path : resolve(directory, source.path),
        ...sourceLimits,
      };
    } else {
      const prefix = source.prefix ?? name;
      const clash = prefixes.get(prefix);
      if (clash) {
        report.problem(file, `${key}.prefix`, `"${prefix}" is already the prefix of ${clash}`);
        continue;
      }
      prefixes.set(prefix, name);
      sources[name] = {
        kind: "mcp",
        name,
        prefix,
        transport: source.command
          ? {
              type: "stdio",
              command: source.command,
              args: source.args,
              env: source.env,
              env_secrets: source.env_secrets,
              ...(source.cwd
                ? { cwd: isAbsolute(source.cwd) ? source.cwd : resolve(directory, source.cwd) }
                : {}),
            }
          : {
              type: "streamable_http",
              url: source.url as string,
              header_secrets: source.header_secrets,
            },
        ...(source.include ? { include: source.include } : {}),
        exclude: source.exclude,
        requires_approval: source.requires_approval,
        tools: Object.fromEntries(
          Object.entries(source.tools).map(([tool, override]) => [
            tool,
            withoutUndefined(override),
          ]),
        ),
        ...sourceLimits,
      };
    }
  }
  return sources;
}
