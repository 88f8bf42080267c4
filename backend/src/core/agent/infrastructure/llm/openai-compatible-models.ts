import { z } from "zod";

/** OpenAI's `GET /models` answer, which LiteLLM, vLLM, Ollama (`/v1`) and OpenRouter share. */
const ModelListSchema = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

export type ModelListing =
  | { type: "listed"; modelIds: string[] }
  /** Worth asking again (the gateway is not up yet, overloaded, or the network failed). */
  | { type: "unavailable"; reason: string }
  /** Asking again will not help (no such route, a refused key, not an OpenAI-style answer). */
  | { type: "refused"; reason: string };

/** Asks an OpenAI-compatible endpoint which models it serves. Never throws. */
export async function listOpenAiCompatibleModels({
  baseUrl,
  apiKey,
  signal,
}: {
  baseUrl: string;
  apiKey?: string;
  signal: AbortSignal;
}): Promise<ModelListing> {
  const url = `${baseUrl.replace(/\/+$/, "")}/models`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        accept: "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      signal,
    });
  } catch (error) {
    return { type: "unavailable", reason: `GET ${url} failed: ${describe(error)}` };
  }
  if (response.status === 429 || response.status >= 500) {
    return { type: "unavailable", reason: `GET ${url} answered HTTP ${response.status}` };
  }
  if (!response.ok)
    return { type: "refused", reason: `GET ${url} answered HTTP ${response.status}` };
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    return { type: "refused", reason: `GET ${url} did not answer JSON: ${describe(error)}` };
  }
  const parsed = ModelListSchema.safeParse(body);
  if (!parsed.success) {
    return {
      type: "refused",
      reason: `GET ${url} did not answer an OpenAI-style model list ({"data": [{"id": …}]})`,
    };
  }
  if (parsed.data.data.length === 0)
    return { type: "refused", reason: `GET ${url} lists no model` };
  return { type: "listed", modelIds: parsed.data.data.map((model) => model.id) };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
