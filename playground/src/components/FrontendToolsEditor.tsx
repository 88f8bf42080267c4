import type { Tool } from "@ag-ui/client";
import { useState } from "react";

export const DEFAULT_FRONTEND_TOOLS: Tool[] = [
  {
    name: "ui.pick_color",
    description: "Shows a colour picker to the user and returns the colour they chose.",
    parameters: {
      type: "object",
      properties: { palette: { type: "string", description: "warm, cool or any" } },
      required: ["palette"],
    },
  },
];

/** The frontend tools this page declares with each run (RunAgentInput.tools), as JSON. */
export function FrontendToolsEditor({
  tools,
  onChange,
}: {
  tools: Tool[];
  onChange: (tools: Tool[]) => void;
}) {
  const [text, setText] = useState(JSON.stringify(tools, null, 2));
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <details className="frontend-tools">
      <summary>
        Frontend tools this page declares ({tools.map((tool) => tool.name).join(", ") || "none"})
      </summary>
      <textarea
        aria-label="frontend tools"
        value={text}
        rows={10}
        onChange={(event) => setText(event.target.value)}
      />
      {problem && <div className="error-inline">{problem}</div>}
      <button
        type="button"
        onClick={() => {
          try {
            const parsed = JSON.parse(text) as unknown;
            if (!Array.isArray(parsed) || parsed.some((tool) => typeof tool?.name !== "string"))
              throw new Error("expected an array of {name, description, parameters}");
            setProblem(undefined);
            onChange(parsed as Tool[]);
          } catch (error) {
            setProblem((error as Error).message);
          }
        }}
      >
        Use these tools
      </button>
    </details>
  );
}
