/** The message box: Enter sends, Shift+Enter breaks the line; Stop cancels the running run. */
export function Composer({
  draft,
  onDraft,
  onSend,
  onStop,
  running,
  waiting,
}: {
  draft: string;
  onDraft: (text: string) => void;
  onSend: () => void;
  onStop: () => void;
  running: boolean;
  /** A tool call waits for this page (an approval or a frontend tool): answer it first. */
  waiting: boolean;
}) {
  return (
    <div className="composer">
      <textarea
        aria-label="message"
        placeholder={waiting ? "Answer the tool call above first" : "Message the agent"}
        value={draft}
        disabled={running || waiting}
        onChange={(event) => onDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            onSend();
          }
        }}
        rows={2}
      />
      {running ? (
        <button type="button" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="button" className="primary" onClick={onSend} disabled={waiting}>
          Send
        </button>
      )}
    </div>
  );
}
