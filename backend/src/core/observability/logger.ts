import pino, { type Logger } from "pino";

/** JSON logs on stdout; secrets that could reach a log line are redacted by path. */
export function createLogger({ level, name }: { level: string; name: string }): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "headers.authorization",
        "*.provider_keys.*",
        "*.jwt_secret",
        "settings.llm.provider_keys.*",
        "settings.auth.jwt_secret",
      ],
      censor: "[redacted]",
    },
  });
}
