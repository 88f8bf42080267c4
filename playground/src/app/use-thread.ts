import type { Message, ResumeEntry, Tool } from "@ag-ui/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { PlaygroundAgent } from "../agent/playground-agent";
import { clearSavedRun, loadSavedRun, RunTracker, reattachmentOf } from "../agent/run-tracker";
import { AgentApi, API_BASE, eventsUrl, interruptsOf } from "../api/agent-api";
import { emptyThread, errorOf, type RunView, type ThreadState } from "./thread-state";

/**
 * The open thread: an `@ag-ui/client` agent (PlaygroundAgent) for it, its messages, open
 * approvals, runs, and the actions the page offers. A run in progress is tracked in
 * localStorage so a reload reattaches to it (`GET /runs/{id}/events` with `Last-Event-ID`).
 */
export function useThread(token: string, defaultWorkflow: string) {
  const api = useRef(new AgentApi(token));
  const agentRef = useRef<PlaygroundAgent | undefined>(undefined);
  const [state, setState] = useState<ThreadState>(() => emptyThread(defaultWorkflow));

  const update = useCallback((patch: Partial<ThreadState>) => {
    setState((current) => ({ ...current, ...patch }));
  }, []);

  const updateRun = useCallback((runId: string, patch: Partial<RunView>) => {
    setState((current) => {
      const known = current.runs.some((run) => run.runId === runId);
      const runs = known
        ? current.runs.map((run) => (run.runId === runId ? { ...run, ...patch } : run))
        : [...current.runs, { runId, steps: [], live: false, ...patch }];
      return { ...current, runs };
    });
  }, []);

  const makeAgent = useCallback(
    (threadId: string, messages: Message[]) => {
      const agent = new PlaygroundAgent(
        {
          url: `${API_BASE}/runs`,
          headers: api.current.headers(),
          threadId,
          initialMessages: messages,
        },
        eventsUrl,
      );
      agent.subscribe({
        onMessagesChanged: ({ messages: changed }) => update({ messages: [...changed] }),
        onRunErrorEvent: ({ event }) =>
          update({ error: { code: event.code ?? "RUN_ERROR", message: event.message } }),
      });
      agentRef.current = agent;
      return agent;
    },
    [update],
  );

  const refreshRun = useCallback(
    async (runId: string) => {
      try {
        updateRun(runId, { info: await api.current.run(runId), live: false });
      } catch (error) {
        update({ error: errorOf(error) });
      }
    },
    [update, updateRun],
  );

  /** Runs the agent once (a turn, a tool result or a resume) and follows it to its end. */
  const follow = useCallback(
    async (
      run: (agent: PlaygroundAgent, tracker: RunTracker, runId: string) => Promise<unknown>,
    ) => {
      const agent = agentRef.current;
      if (!agent) return;
      const runId = crypto.randomUUID();
      update({ running: true, error: undefined });
      updateRun(runId, { live: true, steps: [] });
      const tracker = new RunTracker(
        { threadId: agent.threadId, runId, workflow: state.workflow },
        (steps) => updateRun(runId, { steps }),
      );
      try {
        await run(agent, tracker, runId);
      } catch (error) {
        update({ error: errorOf(error) });
      } finally {
        update({ running: false, interrupts: [...agent.pendingInterrupts] });
        // A refused request (4xx before any event) never became a run.
        if (tracker.started) await refreshRun(runId);
        else
          setState((current) => ({
            ...current,
            runs: current.runs.filter((r) => r.runId !== runId),
          }));
      }
    },
    [refreshRun, state.workflow, update, updateRun],
  );

  const send = useCallback(
    (text: string, tools: Tool[]) =>
      follow(async (agent, tracker, runId) => {
        agent.addMessage({ id: crypto.randomUUID(), role: "user", content: text });
        await agent.runAgent({ runId, tools, forwardedProps: { agent: state.workflow } }, tracker);
      }),
    [follow, state.workflow],
  );

  const answerTools = useCallback(
    (answers: { toolCallId: string; content: string }[], tools: Tool[]) =>
      follow(async (agent, tracker, runId) => {
        for (const answer of answers) {
          agent.addMessage({
            id: crypto.randomUUID(),
            role: "tool",
            toolCallId: answer.toolCallId,
            content: answer.content,
          });
        }
        await agent.runAgent({ runId, tools, forwardedProps: { agent: state.workflow } }, tracker);
      }),
    [follow, state.workflow],
  );

  const resume = useCallback(
    (entries: ResumeEntry[], tools: Tool[]) =>
      follow(async (agent, tracker, runId) => {
        await agent.runAgent(
          { runId, tools, resume: entries, forwardedProps: { agent: state.workflow } },
          tracker,
        );
      }),
    [follow, state.workflow],
  );

  const cancel = useCallback(async () => {
    const live = state.runs.find((run) => run.live);
    if (live)
      await api.current.cancel(live.runId).catch((error) => update({ error: errorOf(error) }));
  }, [state.runs, update]);

  const startNew = useCallback(
    (workflow: string) => {
      clearSavedRun();
      const thread = emptyThread(workflow);
      makeAgent(thread.threadId, []);
      setState(thread);
    },
    [makeAgent],
  );

  /** Reopens a stored thread: its history, what it waits on and its runs. */
  const open = useCallback(
    async (threadId: string) => {
      try {
        const [session, history] = await Promise.all([
          api.current.session(threadId),
          api.current.messages(threadId),
        ]);
        const agent = makeAgent(threadId, history);
        agent.pendingInterrupts = interruptsOf(session);
        const runIds = [...new Set(history.flatMap((message) => message.metadata?.run_id ?? []))];
        setState({
          threadId,
          workflow: session.workflow,
          messages: history,
          interrupts: agent.pendingInterrupts,
          running: false,
          runs: runIds.map((runId) => ({ runId, steps: [], live: false })),
          error: undefined,
        });
        await Promise.all(runIds.map((runId) => refreshRun(runId)));
      } catch (error) {
        update({ error: errorOf(error) });
      }
    },
    [makeAgent, refreshRun, update],
  );

  const loadSteps = useCallback(
    async (runId: string) => {
      try {
        updateRun(runId, { steps: await api.current.steps(runId) });
      } catch (error) {
        update({ error: errorOf(error) });
      }
    },
    [update, updateRun],
  );

  // On load: reattach to the run a reload interrupted, if any; else a new thread.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per token.
  useEffect(() => {
    api.current = new AgentApi(token);
    const saved = loadSavedRun();
    if (!saved || !token) {
      startNew(defaultWorkflow);
      return;
    }
    const agent = makeAgent(saved.threadId, saved.messages);
    agent.reattachment = reattachmentOf(saved);
    setState({
      threadId: saved.threadId,
      workflow: saved.workflow,
      messages: saved.messages,
      interrupts: [],
      running: true,
      runs: [{ runId: saved.runId, steps: saved.steps, live: true }],
      error: undefined,
    });
    const tracker = new RunTracker(saved, (steps) => updateRun(saved.runId, { steps }), saved);
    void agent
      .connectAgent({}, tracker)
      .catch((error: unknown) => update({ error: errorOf(error) }))
      .finally(() => {
        update({ running: false, interrupts: [...agent.pendingInterrupts] });
        void refreshRun(saved.runId);
      });
  }, [token]);

  return { state, send, answerTools, resume, cancel, startNew, open, loadSteps, api: api.current };
}
