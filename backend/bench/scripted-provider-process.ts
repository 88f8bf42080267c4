/**
 * The benchmark's LLM: the tests' scripted OpenAI-compatible server
 * (`tests/support/scripted-openai-server.ts`) as a process of its own, answering every
 * chat-completions request with the same short streamed reply and usage, at once. Its CPU is
 * not the runtime's, so it runs apart from the api, the worker and the load generator.
 * Prints `{"baseUrl": …}` on stdout when it listens.
 */
import { startScriptedOpenAiServer } from "../tests/support/scripted-openai-server.js";

/** About what the demo model answers to a greeting: 8 streamed text chunks. */
const REPLY = [
  "Hello",
  "! I'm",
  " doing",
  " well",
  ", thanks",
  " for",
  " asking",
  ". How can I help?",
];

const server = await startScriptedOpenAiServer();
server.setHandler(() => ({
  text: REPLY,
  usage: { prompt_tokens: 42, completion_tokens: 12, total_tokens: 54 },
}));
// The server keeps every request for tests' assertions; a benchmark must not grow with runs.
setInterval(() => {
  (server.requests as unknown[]).length = 0;
}, 1000).unref();
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
