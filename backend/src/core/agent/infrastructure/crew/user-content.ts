import type { LanguageModelV3FilePart, LanguageModelV3TextPart } from "@ai-sdk/provider";
import { UnsupportedContentError } from "../../domain/errors.js";

type UserPart = LanguageModelV3TextPart | LanguageModelV3FilePart;

const MEDIA_KINDS = new Set(["image", "audio", "video", "document"]);

/**
 * An AG-UI user message's content as the model's user content: text parts as text; image,
 * audio, video and document parts (AG-UI 1.0 `source` of type `data` or `url`, or the pre-1.0
 * `binary` part) as AI SDK file parts, which each provider adapter maps to what it accepts
 * and refuses (UnsupportedFunctionalityError → UNSUPPORTED_CONTENT) when it cannot. Parts
 * this runtime cannot pass on at all are refused here, never dropped silently.
 */
export function toUserContent(content: string | readonly unknown[]): UserPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  const parts = content.map(toUserPart);
  return parts.length > 0 ? parts : [{ type: "text", text: "" }];
}

function toUserPart(part: unknown, index: number): UserPart {
  const candidate = (typeof part === "object" && part !== null ? part : {}) as Record<
    string,
    unknown
  >;
  const type = candidate.type;
  if (type === "text") return { type: "text", text: String(candidate.text ?? "") };
  if (typeof type === "string" && MEDIA_KINDS.has(type))
    return mediaPart(type, candidate.source, index);
  if (type === "binary") return binaryPart(candidate, index);
  throw refused(index, `a content part of type ${JSON.stringify(type)} is not supported`);
}

function mediaPart(kind: string, source: unknown, index: number): LanguageModelV3FilePart {
  const from = (typeof source === "object" && source !== null ? source : {}) as Record<
    string,
    unknown
  >;
  const mimeType = typeof from.mimeType === "string" ? from.mimeType : undefined;
  const value = typeof from.value === "string" ? from.value : undefined;
  if (value === undefined) throw refused(index, `the ${kind} part has no source value`);
  if (from.type === "data") {
    if (!mimeType) throw refused(index, `inline ${kind} data needs a mimeType`);
    return { type: "file", data: value, mediaType: mimeType };
  }
  if (from.type === "url")
    return { type: "file", data: parseUrl(value, index), mediaType: mimeType ?? `${kind}/*` };
  throw refused(
    index,
    `a ${kind} given as a ${JSON.stringify(from.type)} source is not supported (send data or a url)`,
  );
}

/** Pre-1.0 clients (CopilotKit 1.x) send `{type: "binary", mimeType, data | url, filename}`. */
function binaryPart(part: Record<string, unknown>, index: number): LanguageModelV3FilePart {
  const mediaType = typeof part.mimeType === "string" ? part.mimeType : undefined;
  if (!mediaType) throw refused(index, "a binary part needs a mimeType");
  const filename = typeof part.filename === "string" ? { filename: part.filename } : {};
  if (typeof part.data === "string")
    return { type: "file", data: part.data, mediaType, ...filename };
  if (typeof part.url === "string")
    return { type: "file", data: parseUrl(part.url, index), mediaType, ...filename };
  throw refused(index, "a binary part needs data or a url (file ids are not supported)");
}

function parseUrl(value: string, index: number): URL {
  try {
    return new URL(value);
  } catch {
    throw refused(index, `${JSON.stringify(value.slice(0, 80))} is not a URL`);
  }
}

function refused(index: number, problem: string): UnsupportedContentError {
  return new UnsupportedContentError({
    message: `User message content part ${index}: ${problem}`,
    details: { part_index: index },
  });
}
