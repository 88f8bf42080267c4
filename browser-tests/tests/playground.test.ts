import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type HitlEnvironment,
  startHitlEnvironment,
} from "../../backend/tests/support/hitl-environment.js";
import { tokenFor } from "../../backend/tests/support/jwt.js";
import { launchChromium, openPage } from "../support/chromium.js";
import { StoredThreads } from "../support/stored-threads.js";

/*
 * The playground the api serves at /playground/ (built from the playground workspace), in
 * Chromium, against separate api and worker processes and the scripted model. Each test
 * asserts what the user sees and what Postgres stored.
 */

const BUILD_PLAYGROUND = fileURLToPath(
  new URL("../../playground/scripts/build-if-stale.mjs", import.meta.url),
);

let env: HitlEnvironment;
let browser: Browser;
let stored: StoredThreads;
let token: string;

beforeAll(async () => {
  execFileSync(process.execPath, [BUILD_PLAYGROUND], { stdio: "inherit" });
  env = await startHitlEnvironment({ SOCIAL_PLAYGROUND__ENABLED: "true" });
  browser = await launchChromium();
  stored = new StoredThreads();
  token = await tokenFor("playground-user");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stored?.close();
  await env?.stop();
});

async function openPlayground(): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(browser);
  await opened.page.goto(`${env.services.baseUrl}/playground/#token=${token}`);
  await opened.page.getByLabel("message").waitFor();
  // One stage (one model call per step) keeps the scripted conversations short.
  await opened.page.getByLabel("workflow").selectOption("single");
  return opened;
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel("message").fill(text);
  await page.getByLabel("message").press("Enter");
}

function conversation() {
  const { tag, say: text } = env.conversations.newConversation();
  return { tag, text };
}

const TRANSFER = { amount: 25, currency: "EUR", to_account: "DE89370400440532013000" };

function transferCall(tag: string) {
  return { id: `call_tx_${tag.slice(0, 8)}`, name: "srv_transfer_funds", arguments: TRANSFER };
}

describe("the playground", () => {
  it("chat: streams the reply, shows the run's status, steps, usage and cost, and reopens the thread from the list", async () => {
    const { page, problems } = await openPlayground();
    const { tag, text } = conversation();
    env.conversations.script(tag, { text: ["Hello ", "from the ", "playground."] });

    await say(page, text("Hello"));
    await page.getByTestId("assistant-message").getByText("Hello from the playground.").waitFor();
    const run = page.getByTestId("run").first();
    await run.getByTestId("run-status").getByText("succeeded").waitFor();
    expect(await run.getByTestId("run-steps").innerText()).toBe("steps: respond");
    expect(await run.getByTestId("run-usage").innerText()).toContain("10 in / 5 out · 1 LLM call");
    expect(await run.getByTestId("run-cost").innerText()).toMatch(/^\$\d+(\.\d+)?$/);

    const threadId = await page.getByTestId("thread-id").innerText();
    expect(await stored.threadOf(tag)).toBeTruthy();
    expect((await stored.messages(tag)).map((row) => [row.role, row.content])).toEqual([
      ["user", text("Hello")],
      ["assistant", "Hello from the playground."],
    ]);

    await page.getByRole("button", { name: "New thread" }).click();
    expect(await page.getByTestId("assistant-message").count()).toBe(0);
    await page.locator(`[data-thread-id="${threadId}"]`).click();
    await page.getByTestId("assistant-message").getByText("Hello from the playground.").waitFor();
    await page.getByTestId("run-status").getByText("succeeded").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("approval: edit the arguments and approve; the server runs the call with them", async () => {
    const { page, problems } = await openPlayground();
    const { tag, text } = conversation();
    env.conversations.script(tag, { toolCalls: [transferCall(tag)] }, { text: "Sent 10 EUR." });

    await say(page, text("Send 25 EUR to my landlord"));
    const approval = page.getByTestId("approval");
    await approval.getByText("Approve srv.transfer_funds?").waitFor();
    await approval.getByRole("button", { name: "Edit arguments" }).click();
    await approval.getByLabel("edited arguments").fill(JSON.stringify({ ...TRANSFER, amount: 10 }));
    await approval.getByRole("button", { name: "Approve with edits" }).click();
    await page.getByText("Sent 10 EUR.").waitFor();
    const result = JSON.parse(await page.getByTestId("tool-result").innerText());
    expect(result).toMatchObject({ status: "completed", amount: 10 });

    expect(await stored.executions(tag, "srv.transfer_funds")).toEqual([
      expect.objectContaining({ status: "completed", amount: 10 }),
    ]);
    const approved = (await stored.audit(tag)).find((row) => row.action === "tool_call.approved");
    expect(approved?.payload).toMatchObject({ edited_args: { ...TRANSFER, amount: 10 } });
    expect(problems).toEqual([]);
    await page.close();
  });

  // The server checks edited arguments against the tool's JSON schema (TOOL_ARGS_INVALID).
  it("approval: an edit the tool's schema refuses shows the server's error and runs nothing", async () => {
    const { page } = await openPlayground();
    const { tag, text } = conversation();
    env.conversations.script(tag, { toolCalls: [transferCall(tag)] }, { text: "Done." });

    await say(page, text("Send 25 EUR to my landlord"));
    const approval = page.getByTestId("approval");
    await approval.getByRole("button", { name: "Edit arguments" }).click();
    await approval
      .getByLabel("edited arguments")
      .fill(JSON.stringify({ ...TRANSFER, currency: "euros" }));
    await approval.getByRole("button", { name: "Approve with edits" }).click();
    const error = page.getByTestId("error");
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toContain("TOOL_ARGS_INVALID");
    expect(await stored.executions(tag, "srv.transfer_funds")).toEqual([]);
    await page.close();
  }, 30_000);

  it("approval: reject with a reason; the call never runs", async () => {
    const { page, problems } = await openPlayground();
    const { tag, text } = conversation();
    env.conversations.script(tag, { toolCalls: [transferCall(tag)] }, { text: "Not sent." });

    await say(page, text("Send 25 EUR to my landlord"));
    const approval = page.getByTestId("approval");
    await approval.getByLabel("rejection reason").fill("wrong account");
    await approval.getByRole("button", { name: "Reject" }).click();
    await page.getByText("Not sent.").waitFor();
    expect(JSON.parse(await page.getByTestId("tool-result").innerText())).toEqual({
      status: "rejected",
      reason: "wrong account",
    });

    expect(await stored.executions(tag, "srv.transfer_funds")).toEqual([]);
    const tool = (await stored.messages(tag)).find((row) => row.role === "tool");
    expect(JSON.parse(tool?.content ?? "null")).toEqual({
      status: "rejected",
      reason: "wrong account",
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("approval: shows the server's refusal when another page decided first", async () => {
    const { page: first } = await openPlayground();
    const { tag, text } = conversation();
    env.conversations.script(tag, { toolCalls: [transferCall(tag)] }, { text: "Sent." });
    await say(first, text("Send 25 EUR to my landlord"));
    await first.getByTestId("approval").waitFor();
    const threadId = await first.getByTestId("thread-id").innerText();

    const { page: second } = await openPlayground();
    await second.getByRole("button", { name: "↻" }).click();
    await second.locator(`[data-thread-id="${threadId}"]`).click();
    await second.getByTestId("approval").waitFor();

    await first.getByRole("button", { name: "Approve", exact: true }).click();
    await first.getByText("Sent.").waitFor();
    await second.getByRole("button", { name: "Approve", exact: true }).click();
    const error = second.getByTestId("error");
    await error.waitFor();
    expect(await error.innerText()).toContain("TOOL_CALL_NOT_PENDING");

    expect(await stored.executions(tag, "srv.transfer_funds")).toHaveLength(1);
    await first.close();
    await second.close();
  });

  it("frontend tool: the page declares ui.pick_color, the user answers it, the run continues", async () => {
    const { page, problems } = await openPlayground();
    const { tag, text } = conversation();
    const callId = `call_pick_${tag.slice(0, 8)}`;
    env.conversations.script(
      tag,
      { toolCalls: [{ id: callId, name: "ui_pick_color", arguments: { palette: "cool" } }] },
      { text: "Teal it is." },
    );

    await say(page, text("Let me pick a colour"));
    const card = page.locator('[data-tool-name="ui.pick_color"]');
    await card.getByText("waiting for this page").waitFor();
    expect(JSON.parse(await card.getByTestId("tool-args").innerText())).toEqual({
      palette: "cool",
    });
    await card.getByLabel("result for ui.pick_color").fill('{"color": "teal"}');
    await page.getByRole("button", { name: "Send tool result" }).click();
    await page.getByText("Teal it is.").waitFor();

    const rows = await stored.messages(tag);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(rows[2]).toMatchObject({ tool_call_id: callId, content: '{"color": "teal"}' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("reload in the middle of a run: the page reattaches with Last-Event-ID and shows the reply once, complete", async () => {
    const { page, problems } = await openPlayground();
    const { tag, text } = conversation();
    const words = Array.from({ length: 16 }, (_, index) => `word${index} `);
    const full = words.join("");
    env.conversations.script(tag, { text: words, chunkDelayMs: 200 });
    const eventRequests: { url: string; lastEventId: string | undefined }[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/events"))
        eventRequests.push({ url: request.url(), lastEventId: request.headers()["last-event-id"] });
    });

    await say(page, text("Tell me a long story"));
    await page.getByTestId("assistant-message").getByText("word1").waitFor();
    const partial = await page.getByTestId("assistant-message").innerText();
    expect(partial.length).toBeLessThan(full.length);
    await page.reload();

    await page.getByTestId("run-status").getByText("succeeded").waitFor();
    expect(await page.getByTestId("assistant-message").innerText()).toBe(full);
    // Reattached from where it was, never from the start (Chromium may retry the GET once).
    expect(eventRequests.length).toBeGreaterThan(0);
    for (const request of eventRequests) {
      expect(request.lastEventId).toMatch(/^\d+-\d+(:\d+)?$/);
    }
    expect(
      await page.evaluate(() => localStorage.getItem("agent-runtime.playground.active-run")),
    ).toBeNull();
    expect((await stored.messages(tag)).map((row) => [row.role, row.content])).toEqual([
      ["user", text("Tell me a long story")],
      ["assistant", full],
    ]);
    expect(problems.filter((problem) => !problem.includes("net::ERR_ABORTED"))).toEqual([]);
    await page.close();
  });
});
