import type { Interrupt, ResumeEntry, Tool } from "@ag-ui/client";
import { useCallback, useEffect, useMemo, useState } from "react";
import { AgentApi, type Catalog, type SessionSummary } from "../api/agent-api";
import type { ApprovalDecision } from "../components/ApprovalCard";
import { Composer } from "../components/Composer";
import { Conversation } from "../components/Conversation";
import { DEFAULT_FRONTEND_TOOLS, FrontendToolsEditor } from "../components/FrontendToolsEditor";
import { RunsPanel } from "../components/RunsPanel";
import { ThreadList } from "../components/ThreadList";
import { TokenBar } from "../components/TokenBar";
import { toolCallsOf } from "../components/tool-calls";
import { useThread } from "./use-thread";
import { useToken } from "./use-token";

export function App() {
  const [token, setToken] = useToken();
  const [catalog, setCatalog] = useState<Catalog | undefined>();
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [loadError, setLoadError] = useState<string | undefined>();

  const loadLists = useCallback(async () => {
    const api = new AgentApi(token);
    try {
      const [nextCatalog, nextSessions] = await Promise.all([api.catalog(), api.sessions()]);
      setCatalog(nextCatalog);
      setSessions(nextSessions);
      setLoadError(undefined);
    } catch (error) {
      setLoadError((error as Error).message);
    }
  }, [token]);

  useEffect(() => {
    void loadLists();
  }, [loadLists]);

  if (!catalog) {
    return (
      <div className="app">
        <TokenBar token={token} onToken={setToken} />
        <p className="hint">{loadError ? `Cannot reach the api: ${loadError}` : "Loading…"}</p>
      </div>
    );
  }
  return (
    <Playground
      key={token}
      token={token}
      setToken={setToken}
      catalog={catalog}
      sessions={sessions}
      reloadSessions={loadLists}
    />
  );
}

function Playground({
  token,
  setToken,
  catalog,
  sessions,
  reloadSessions,
}: {
  token: string;
  setToken: (token: string) => void;
  catalog: Catalog;
  sessions: SessionSummary[];
  reloadSessions: () => Promise<void>;
}) {
  const thread = useThread(token, catalog.default_workflow);
  const { state } = thread;
  const [frontendTools, setFrontendTools] = useState<Tool[]>(DEFAULT_FRONTEND_TOOLS);
  const [draft, setDraft] = useState("");
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [decisions, setDecisions] = useState<Record<string, ApprovalDecision>>({});

  const awaitingPage = useMemo(
    () =>
      state.messages
        .flatMap((message) => toolCallsOf(message, state.messages, frontendTools))
        .filter((call) => call.awaitsPage),
    [state.messages, frontendTools],
  );

  // A run that ends refreshes the thread list (new threads, statuses).
  useEffect(() => {
    if (!state.running) void reloadSessions();
  }, [state.running, reloadSessions]);

  const decide = (interrupt: Interrupt, decision: ApprovalDecision) => {
    const next = { ...decisions, [interrupt.id]: decision };
    setDecisions(next);
    // AG-UI: a resume covers every open interrupt at once.
    if (state.interrupts.every((open) => next[open.id])) {
      const entries: ResumeEntry[] = state.interrupts.map((open) => {
        const chosen = next[open.id] as ApprovalDecision;
        const payload = chosen.approved
          ? { approved: true, ...(chosen.editedArgs ? { edited_args: chosen.editedArgs } : {}) }
          : { approved: false, ...(chosen.reason ? { reason: chosen.reason } : {}) };
        return { interruptId: open.id, status: "resolved", payload };
      });
      setDecisions({});
      void thread.resume(entries, frontendTools);
    }
  };

  const sendAnswers = () => {
    const sent = awaitingPage.map((call) => ({
      toolCallId: call.id,
      content: answers[call.id] ?? '{"color": "teal"}',
    }));
    setAnswers({});
    void thread.answerTools(sent, frontendTools);
  };

  const send = () => {
    const text = draft.trim();
    if (!text) return;
    setDraft("");
    void thread.send(text, frontendTools);
  };

  const waiting = state.interrupts.length > 0 || awaitingPage.length > 0;
  return (
    <div className="app">
      <TokenBar token={token} onToken={setToken} />
      <div className="layout">
        <ThreadList
          sessions={sessions}
          current={state.threadId}
          onOpen={(id) => void thread.open(id)}
          onNew={() => thread.startNew(state.workflow)}
          onRefresh={() => void reloadSessions()}
        />
        <main className="main">
          <div className="toolbar">
            <label>
              Workflow{" "}
              <select
                aria-label="workflow"
                value={state.workflow}
                disabled={state.messages.length > 0}
                onChange={(event) => thread.startNew(event.target.value)}
              >
                {catalog.workflows.map((workflow) => (
                  <option key={workflow.name} value={workflow.name}>
                    {workflow.name} ({workflow.stages.map((stage) => stage.name).join(" → ")})
                  </option>
                ))}
              </select>
            </label>
            <code className="thread-label" data-testid="thread-id">
              {state.threadId}
            </code>
          </div>
          {state.error && (
            <div className="error" role="alert" data-testid="error">
              <strong>{state.error.code}</strong> {state.error.message}
            </div>
          )}
          <Conversation
            messages={state.messages}
            interrupts={state.interrupts}
            frontendTools={frontendTools}
            answers={answers}
            onAnswer={(id, text) => setAnswers({ ...answers, [id]: text })}
            onDecide={decide}
          />
          {awaitingPage.length > 0 && (
            <button
              type="button"
              className="primary"
              onClick={sendAnswers}
              disabled={state.running}
            >
              Send tool result{awaitingPage.length > 1 ? "s" : ""}
            </button>
          )}
          <Composer
            draft={draft}
            onDraft={setDraft}
            onSend={send}
            onStop={() => void thread.cancel()}
            running={state.running}
            waiting={waiting}
          />
          <FrontendToolsEditor tools={frontendTools} onChange={setFrontendTools} />
        </main>
        <RunsPanel runs={state.runs} onLoadSteps={(runId) => void thread.loadSteps(runId)} />
      </div>
    </div>
  );
}
