import { describe, expect, it } from "vitest";
import {
  assertNoToolNameConflict,
  type BackendToolPolicy,
  classifyToolCall,
  ToolNameConflictError,
  UnknownToolError,
} from "../../../../../src/core/agent/domain/index.js";
import { expectAgentError } from "./fixtures.js";

const transfer: BackendToolPolicy = {
  name: "srv.transfer_funds",
  requires_approval: true,
  approval_ttl_seconds: 300,
};
const lookup: BackendToolPolicy = { name: "srv.lookup", requires_approval: false };
const backendTools = new Map([
  [transfer.name, transfer],
  [lookup.name, lookup],
]);
const request = {
  tools: [{ name: "ui.navigate_to", description: "Navigate", parameters: { type: "object" } }],
};

describe("classifying a tool call", () => {
  it("test_frontend_tool_requires_interrupt_and_client_execution: ui.navigate_to declared in request.tools is FRONTEND_EXECUTE", () => {
    const classification = classifyToolCall({
      name: "ui.navigate_to",
      clientTools: request.tools,
      backendTools,
    });
    expect(classification).toEqual({ mode: "FRONTEND_EXECUTE" });
  });

  it("runs a client-declared tool without the ui. prefix in the browser too", () => {
    const classification = classifyToolCall({
      name: "show_chart",
      clientTools: [{ name: "show_chart" }],
      backendTools,
    });
    expect(classification.mode).toBe("FRONTEND_EXECUTE");
  });

  it("runs an undeclared ui. tool in the browser", () => {
    expect(classifyToolCall({ name: "ui.toast", clientTools: [], backendTools }).mode).toBe(
      "FRONTEND_EXECUTE",
    );
  });

  it("needs an approval interrupt for a backend tool with requires_approval, carrying its policy", () => {
    expect(classifyToolCall({ name: "srv.transfer_funds", clientTools: [], backendTools })).toEqual(
      {
        mode: "BACKEND_APPROVAL_INTERRUPT",
        policy: transfer,
      },
    );
  });

  it("executes other backend tools directly", () => {
    expect(classifyToolCall({ name: "srv.lookup", clientTools: [], backendTools })).toEqual({
      mode: "BACKEND_DIRECT_EXECUTE",
      policy: lookup,
    });
  });

  it("reads backend tools from a plain record as well as a Map", () => {
    const record = { "srv.lookup": lookup };
    expect(
      classifyToolCall({ name: "srv.lookup", clientTools: [], backendTools: record }).mode,
    ).toBe("BACKEND_DIRECT_EXECUTE");
  });

  it("refuses a tool nobody declared instead of guessing, naming it", () => {
    const error = expectAgentError(
      () => classifyToolCall({ name: "srv.delete_everything", clientTools: [], backendTools }),
      "UNKNOWN_TOOL",
    );
    expect(error).toBeInstanceOf(UnknownToolError);
    expect(error.details).toEqual({ tool_name: "srv.delete_everything" });
  });

  it("does not mistake Object.prototype members for configured tools", () => {
    for (const name of ["constructor", "toString", "__proto__"]) {
      expectAgentError(
        () => classifyToolCall({ name, clientTools: [], backendTools: { "srv.lookup": lookup } }),
        "UNKNOWN_TOOL",
      );
    }
  });

  it("refuses a call whose name is both client-declared and configured on the backend", () => {
    expectAgentError(
      () =>
        classifyToolCall({
          name: "srv.lookup",
          clientTools: [{ name: "srv.lookup" }],
          backendTools,
        }),
      "TOOL_NAME_CONFLICT",
    );
  });
});

describe("client tools that shadow backend tools", () => {
  it("are refused with TOOL_NAME_CONFLICT listing every one", () => {
    const error = expectAgentError(
      () =>
        assertNoToolNameConflict({
          clientTools: [
            { name: "srv.transfer_funds" },
            { name: "ui.navigate_to" },
            { name: "srv.lookup" },
            { name: "srv.lookup" },
          ],
          backendTools,
        }),
      "TOOL_NAME_CONFLICT",
    );
    expect(error).toBeInstanceOf(ToolNameConflictError);
    expect(error.httpStatus).toBe(400);
    expect(error.details).toEqual({ tool_names: ["srv.lookup", "srv.transfer_funds"] });
  });

  it("are refused when the model would see the same name, or one it could take for it", () => {
    for (const name of ["srv_transfer_funds", "SRV.Transfer-Funds", "srv__transfer__funds"]) {
      const error = expectAgentError(
        () => assertNoToolNameConflict({ clientTools: [{ name }], backendTools }),
        "TOOL_NAME_CONFLICT",
      );
      expect(error.details).toEqual({ tool_names: [name] });
    }
  });

  it("are accepted when no name is shared", () => {
    expect(() =>
      assertNoToolNameConflict({ clientTools: request.tools, backendTools }),
    ).not.toThrow();
    expect(() =>
      assertNoToolNameConflict({ clientTools: [], backendTools: new Map() }),
    ).not.toThrow();
  });
});
