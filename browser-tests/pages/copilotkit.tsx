import { HttpAgent } from "@ag-ui/client";
import {
  CopilotChat,
  CopilotKitProvider,
  useFrontendTool,
  useHumanInTheLoop,
  useInterrupt,
} from "@copilotkit/react-core/v2";
import "@copilotkit/react-core/v2/styles.css";
import { useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { z } from "zod";

/*
 * A page written the way CopilotKit's docs show (v2 hooks, <CopilotChat>), against
 * agent-runtime in one of two ways, chosen by the query string:
 * - ?mode=runtime&runtime=<url>: CopilotKit's runtime (CopilotRuntime + HttpAgent) in between;
 * - ?mode=direct&api=<url>&token=<jwt>: the page's own HttpAgent, straight to the api (CORS).
 */
const query = new URLSearchParams(window.location.search);
const mode = query.get("mode") ?? "runtime";

function Tools() {
  const [background, setBackground] = useState("none");
  useFrontendTool({
    name: "setBackground",
    description: "Sets the page background to a CSS colour.",
    parameters: z.object({ color: z.string() }),
    handler: async ({ color }) => {
      setBackground(color);
      return `background set to ${color}`;
    },
  });
  useHumanInTheLoop({
    name: "confirmOrder",
    description: "Asks the user to confirm an order before it is placed.",
    parameters: z.object({ item: z.string() }),
    render: ({ status, args, respond, result }) =>
      status === "executing" && respond ? (
        <div data-testid="hitl">
          Confirm the order of {args.item}?{" "}
          <button type="button" onClick={() => respond({ confirmed: true })}>
            Confirm order
          </button>
          <button type="button" onClick={() => respond({ confirmed: false })}>
            Decline order
          </button>
        </div>
      ) : (
        <div data-testid="hitl-done">
          order of {String(args.item)}: {status} {result ? String(result) : ""}
        </div>
      ),
  });
  useInterrupt({
    render: ({ event, resolve }) => {
      const interrupt = event.value as { message?: string; toolCallId?: string };
      return (
        <div data-testid="interrupt">
          {interrupt.message ?? "Approve?"}{" "}
          <button type="button" onClick={() => resolve({ approved: true })}>
            Approve transfer
          </button>
          <button
            type="button"
            onClick={() => resolve({ approved: false, reason: "declined in the browser" })}
          >
            Reject transfer
          </button>
        </div>
      );
    },
  });
  return <div data-testid="background">background: {background}</div>;
}

function App() {
  const agents = useMemo(
    () =>
      mode === "direct"
        ? {
            default: new HttpAgent({
              url: `${query.get("api")}/api/v1/agent/runs`,
              headers: { Authorization: `Bearer ${query.get("token")}` },
            }),
          }
        : undefined,
    [],
  );
  const common = { properties: { agent: "single" }, showDevConsole: false };
  return (
    <div style={{ height: "100vh", display: "flex", flexDirection: "column" }}>
      {agents ? (
        <CopilotKitProvider {...common} agents__unsafe_dev_only={agents}>
          <Tools />
          <CopilotChat />
        </CopilotKitProvider>
      ) : (
        <CopilotKitProvider {...common} runtimeUrl={query.get("runtime") ?? "/api/copilotkit"}>
          <Tools />
          <CopilotChat />
        </CopilotKitProvider>
      )}
    </div>
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<App />);
