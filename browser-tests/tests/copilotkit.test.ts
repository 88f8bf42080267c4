import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type HitlEnvironment,
  startHitlEnvironment,
} from "../../backend/tests/support/hitl-environment.js";
import { tokenFor } from "../../backend/tests/support/jwt.js";
import { freePort } from "../../backend/tests/support/service-processes.js";
import { launchChromium, openPage } from "../support/chromium.js";
import {
  type CopilotRuntimeServer,
  startCopilotRuntimeServer,
} from "../support/copilot-runtime-server.js";
import { StoredThreads } from "../support/stored-threads.js";

/*
 * CopilotKit's current release (@copilotkit/react-core 1.74, @copilotkit/runtime 1.75, both on
 * @ag-ui/client 0.0.59) in Chromium, against agent-runtime's separate api and worker processes,
 * two ways: through CopilotKit's runtime (CopilotRuntime + HttpAgent, as its docs set it up) and
 * from the browser straight to the api (HttpAgent in the page, CORS). The model is the scripted
 * OpenAI-compatible server; each conversation is routed by a tag in the user's text. Each test
 * asserts what the user sees and what Postgres stored.
 */

let env: HitlEnvironment;
let pages: CopilotRuntimeServer;
let browser: Browser;
let stored: StoredThreads;

beforeAll(async () => {
  const pagePort = await freePort();
  env = await startHitlEnvironment({ SOCIAL_CORS__ORIGINS: `http://127.0.0.1:${pagePort}` });
  pages = await startCopilotRuntimeServer({
    apiBaseUrl: env.services.baseUrl,
    token: await tokenFor("copilotkit-runtime-user"),
    port: pagePort,
  });
  browser = await launchChromium();
  stored = new StoredThreads();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await stored?.close();
  await env?.stop();
});

type Mode = "runtime" | "direct";

async function openChat(mode: Mode): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(browser);
  const query =
    mode === "runtime"
      ? `mode=runtime&runtime=${encodeURIComponent(`${pages.url}/api/copilotkit`)}`
      : `mode=direct&api=${encodeURIComponent(env.services.baseUrl)}&token=${await tokenFor("copilotkit-direct-user")}`;
  await opened.page.goto(`${pages.url}/copilotkit.html?${query}`);
  await opened.page.getByTestId("background").waitFor();
  return opened;
}

async function say(page: Page, text: string): Promise<void> {
  const input = page.getByRole("textbox").first();
  await input.fill(text);
  await input.press("Enter");
}

function conversation(): { tag: string; text: (words: string) => string } {
  const { tag, say: tagged } = env.conversations.newConversation();
  return { tag, text: tagged };
}

describe.each<Mode>(["runtime", "direct"])("CopilotKit 1.74/1.75 (%s)", (mode) => {
  it("chat: the reply streams into <CopilotChat>; both turns are stored", async () => {
    const { page, problems } = await openChat(mode);
    const { tag, text } = conversation();
    env.conversations.script(tag, { text: ["Hello from ", "agent-runtime."] });
    const apiRequests: string[] = [];
    page.on("request", (request) => apiRequests.push(request.url()));

    await say(page, text("Hi"));
    await page.getByText("Hello from agent-runtime.").waitFor();

    const rows = await stored.messages(tag);
    expect(rows.map((row) => [row.role, row.content])).toEqual([
      ["user", text("Hi")],
      ["assistant", "Hello from agent-runtime."],
    ]);
    // Direct mode really is cross-origin: the page called the api itself.
    const calledApi = apiRequests.some((url) =>
      url.startsWith(`${env.services.baseUrl}/api/v1/agent/runs`),
    );
    expect(calledApi).toBe(mode === "direct");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("useFrontendTool: the handler runs in the page and its result continues the run", async () => {
    const { page, problems } = await openChat(mode);
    const { tag, text } = conversation();
    env.conversations.script(
      tag,
      {
        toolCalls: [
          { id: `call_bg_${tag.slice(0, 8)}`, name: "setBackground", arguments: { color: "teal" } },
        ],
      },
      { text: "The background is teal now." },
    );

    await say(page, text("Make it teal"));
    await page.getByText("background: teal").waitFor();
    await page.getByText("The background is teal now.").waitFor();

    const rows = await stored.messages(tag);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(rows[1]?.tool_calls?.[0]?.function.name).toBe("setBackground");
    expect(rows[2]).toMatchObject({
      tool_call_id: `call_bg_${tag.slice(0, 8)}`,
      content: "background set to teal",
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const [choice, button, answer, reply] of [
    ["confirms", "Confirm order", { confirmed: true }, "Order placed."],
    ["declines", "Decline order", { confirmed: false }, "Order cancelled."],
  ] as const) {
    it(`useHumanInTheLoop: the user ${choice}; the answer is the tool's result`, async () => {
      const { page, problems } = await openChat(mode);
      const { tag, text } = conversation();
      const callId = `call_order_${tag.slice(0, 8)}`;
      env.conversations.script(
        tag,
        { toolCalls: [{ id: callId, name: "confirmOrder", arguments: { item: "pizza" } }] },
        { text: reply },
      );

      await say(page, text("Order a pizza"));
      await page.getByTestId("hitl").getByText("Confirm the order of pizza?").waitFor();
      await page.getByRole("button", { name: button }).click();
      await page.getByText(reply).waitFor();

      const rows = await stored.messages(tag);
      expect(rows.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
      expect(rows[2]?.tool_call_id).toBe(callId);
      expect(JSON.parse(rows[2]?.content ?? "null")).toEqual(answer);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  // useInterrupt resumes with the interrupted run's runId: a repeated runId with new content is a
  // new turn (see docs/runtime/compatibility.md).
  for (const [choice, button, reply] of [
    ["approves", "Approve transfer", "Transfer sent."],
    ["rejects", "Reject transfer", "Transfer not sent."],
  ] as const) {
    it(`useInterrupt: the user ${choice} a backend tool call`, async () => {
      const { page } = await openChat(mode);
      const { tag, text } = conversation();
      env.conversations.script(
        tag,
        {
          toolCalls: [
            {
              id: `call_tx_${tag.slice(0, 8)}`,
              name: "srv_transfer_funds",
              arguments: { amount: 25, currency: "EUR", to_account: "ACC-42" },
            },
          ],
        },
        { text: reply },
      );

      await say(page, text("Send 25 EUR to ACC-42"));
      await page.getByTestId("interrupt").getByText("Approve srv.transfer_funds?").waitFor();
      await page.getByRole("button", { name: button }).click();
      await page.getByText(reply).waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("interrupt").count()).toBe(0);

      const executions = await stored.executions(tag, "srv.transfer_funds");
      const audit = (await stored.audit(tag)).map((row) => row.action);
      if (choice === "approves") {
        expect(executions).toEqual([expect.objectContaining({ status: "completed", amount: 25 })]);
        expect(audit).toContain("tool_call.approved");
      } else {
        expect(executions).toEqual([]);
        expect(audit).toContain("tool_call.rejected");
        const tool = (await stored.messages(tag)).find((row) => row.role === "tool");
        expect(JSON.parse(tool?.content ?? "null")).toEqual({
          status: "rejected",
          reason: "declined in the browser",
        });
      }
      await page.close();
    }, 30_000);
  }
});
