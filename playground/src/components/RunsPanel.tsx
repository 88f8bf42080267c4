import type { RunView } from "../app/thread-state";

function tokens(run: RunView): string {
  const usage = run.info?.usage;
  if (!usage) return "";
  return `${usage.input_tokens} in / ${usage.output_tokens} out · ${usage.llm_calls} LLM call${usage.llm_calls === 1 ? "" : "s"}`;
}

/** A decimal USD amount without its trailing zeros ("0.001200000000" → "0.0012"). */
function dollars(amount: string): string {
  return amount.includes(".") ? amount.replace(/0+$/, "").replace(/\.$/, "") : amount;
}

/** Each run of the thread: status, steps, usage and cost (GET /runs/{id}). */
export function RunsPanel({
  runs,
  onLoadSteps,
}: {
  runs: readonly RunView[];
  onLoadSteps: (runId: string) => void;
}) {
  return (
    <div className="runs" data-testid="runs">
      <h2>Runs</h2>
      {runs.length === 0 && <p className="hint">No run yet.</p>}
      {[...runs].reverse().map((run) => (
        <div key={run.runId} className="run" data-testid="run" data-run-id={run.runId}>
          <div className="run-head">
            <code title={run.runId}>{run.runId.slice(0, 8)}</code>
            <span
              className={`badge badge-${run.live ? "running" : (run.info?.status ?? "unknown")}`}
              data-testid="run-status"
            >
              {run.live ? "running" : (run.info?.status ?? "…")}
            </span>
          </div>
          {run.steps.length > 0 ? (
            <div className="steps" data-testid="run-steps">
              steps: {run.steps.join(" → ")}
            </div>
          ) : (
            !run.live && (
              <button type="button" className="link" onClick={() => onLoadSteps(run.runId)}>
                show steps
              </button>
            )
          )}
          {run.info && (
            <div className="usage" data-testid="run-usage">
              {tokens(run)} ·{" "}
              <span data-testid="run-cost">${dollars(run.info.usage.cost_usd)}</span>
            </div>
          )}
          {run.info?.error && (
            <div className="error-inline">
              {run.info.error.code}: {run.info.error.message}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
