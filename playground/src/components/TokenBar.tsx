import { useState } from "react";

export function TokenBar({ token, onToken }: { token: string; onToken: (token: string) => void }) {
  const [draft, setDraft] = useState(token);
  return (
    <header className="topbar">
      <h1>agent-runtime playground</h1>
      <form
        className="token"
        onSubmit={(event) => {
          event.preventDefault();
          onToken(draft.trim());
        }}
      >
        <label>
          Bearer token{" "}
          <input
            aria-label="bearer token"
            type="password"
            value={draft}
            placeholder="paste the token npm start printed"
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        <button type="submit">Use</button>
      </form>
      <a href="../docs" target="_blank" rel="noreferrer">
        API docs
      </a>
    </header>
  );
}
