import { describe, expect, it } from "vitest";
import {
  signToolRequest,
  verifyToolRequest,
} from "../../../../../../src/core/agent/infrastructure/tools/tool-request-signature.js";

describe("HTTP tool request signature", () => {
  const body = '{"title":"Printer on fire"}';
  const now = 1_764_547_200;

  it("verifies with the same secret and body within the tolerance", () => {
    const header = signToolRequest({ secret: "s3", body, timestamp: now });
    expect(header).toMatch(/^t=1764547200,v1=[0-9a-f]{64}$/);
    expect(verifyToolRequest({ secret: "s3", body, header, nowSeconds: now + 60 })).toBe(true);
  });

  it("refuses another secret, another body, an old timestamp and junk", () => {
    const header = signToolRequest({ secret: "s3", body, timestamp: now });
    expect(verifyToolRequest({ secret: "other", body, header, nowSeconds: now })).toBe(false);
    expect(verifyToolRequest({ secret: "s3", body: `${body} `, header, nowSeconds: now })).toBe(
      false,
    );
    expect(verifyToolRequest({ secret: "s3", body, header, nowSeconds: now + 301 })).toBe(false);
    expect(verifyToolRequest({ secret: "s3", body, header: undefined, nowSeconds: now })).toBe(
      false,
    );
    expect(verifyToolRequest({ secret: "s3", body, header: "t=x,v1=zz", nowSeconds: now })).toBe(
      false,
    );
  });
});
