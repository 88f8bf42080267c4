import { z } from "zod";
import { normalizeDecimal } from "./decimal.js";
import { InternalError } from "./errors.js";
import { snapshotInvalid } from "./snapshot-invalid.js";

const jsonObject = z.record(z.string(), z.unknown());

/**
 * v0, written before `schema_version` existed: `pending_tools` instead of
 * `pending_tool_calls`, a tool result as plain text, no client tools on the run cursor and the
 * running cost as a float (`usage.cost`).
 */
export const StateSnapshotV0Schema = z.object({
  schema_version: z.literal(0).optional(),
  run: z
    .object({
      run_id: z.string(),
      status: z.string(),
      workflow: z.string(),
      stage_index: z.number(),
      stage: z.string(),
      iteration: z.number(),
      started_at: z.string(),
    })
    .nullable(),
  stages: z.record(z.string(), z.object({ output: z.string(), finished_at: z.string() })),
  pending_tools: z.array(
    z
      .object({
        tool_call_id: z.string(),
        tool_name: z.string(),
        args: jsonObject,
        mode: z.string(),
        status: z.string(),
        stage: z.string(),
        requested_at: z.string(),
        result: z.string().optional(),
      })
      .catchall(z.unknown()),
  ),
  agent_state: jsonObject,
  usage: z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cost: z.number().nonnegative(),
  }),
});
export type StateSnapshotV0 = z.infer<typeof StateSnapshotV0Schema>;

/** Output is checked by the v1 schema afterwards, like anything else read from storage. */
export function upgradeV0ToV1(snapshot: StateSnapshotV0): unknown {
  return {
    schema_version: 1,
    run: snapshot.run === null ? null : { ...snapshot.run, client_tools: [] },
    stages: snapshot.stages,
    pending_tool_calls: snapshot.pending_tools.map(({ result, ...call }) =>
      result === undefined ? call : { ...call, result: { content: result } },
    ),
    agent_state: snapshot.agent_state,
    usage: {
      input_tokens: snapshot.usage.input_tokens,
      output_tokens: snapshot.usage.output_tokens,
      cost_usd: normalizeDecimal(snapshot.usage.cost),
    },
  };
}

/** v1: no context on the run cursor, no input interrupts, no predictive state. */
export const StateSnapshotV1Schema = z
  .object({
    schema_version: z.literal(1),
    run: z.object({}).catchall(z.unknown()).nullable(),
  })
  .catchall(z.unknown());
export type StateSnapshotV1 = z.infer<typeof StateSnapshotV1Schema>;

/** v1 → v2 only adds: the run keeps its fields and gets an empty `context`. */
export function upgradeV1ToV2(snapshot: StateSnapshotV1): unknown {
  return {
    ...snapshot,
    schema_version: 2,
    run: snapshot.run === null ? null : { ...snapshot.run, context: [] },
  };
}

type UpgradeStep = { from: number; upgrade: (raw: unknown) => unknown };

/** One step per old version, each parsing its own shape first: v0 → v1 → … → current. */
const UPGRADE_STEPS: readonly UpgradeStep[] = [
  { from: 0, upgrade: (raw) => upgradeV0ToV1(parseVersion(StateSnapshotV0Schema, raw, 0)) },
  { from: 1, upgrade: (raw) => upgradeV1ToV2(parseVersion(StateSnapshotV1Schema, raw, 1)) },
];

export function upgradeSnapshot({
  raw,
  fromVersion,
  toVersion,
}: {
  raw: unknown;
  fromVersion: number;
  toVersion: number;
}): unknown {
  let current = raw;
  for (let version = fromVersion; version < toVersion; version += 1) {
    const step = UPGRADE_STEPS.find((candidate) => candidate.from === version);
    if (step === undefined) {
      throw new InternalError({
        message: `No upgrade step from state_snapshot schema_version ${version}`,
      });
    }
    current = step.upgrade(current);
  }
  return current;
}

function parseVersion<T>(schema: z.ZodType<T>, raw: unknown, version: number): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw snapshotInvalid({
      error: parsed.error,
      context: `state_snapshot (schema_version ${version})`,
    });
  }
  return parsed.data;
}
