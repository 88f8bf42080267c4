import type { SessionSummary } from "../api/agent-api";

export function ThreadList({
  sessions,
  current,
  onOpen,
  onNew,
  onRefresh,
}: {
  sessions: readonly SessionSummary[];
  current: string;
  onOpen: (id: string) => void;
  onNew: () => void;
  onRefresh: () => void;
}) {
  return (
    <nav className="threads" data-testid="threads">
      <div className="threads-head">
        <h2>Threads</h2>
        <button type="button" onClick={onRefresh} title="reload the list">
          ↻
        </button>
      </div>
      <button type="button" className="primary wide" onClick={onNew}>
        New thread
      </button>
      <ul>
        {sessions.map((session) => (
          <li key={session.session_id}>
            <button
              type="button"
              className={session.session_id === current ? "thread current" : "thread"}
              onClick={() => onOpen(session.session_id)}
              data-testid="thread"
              data-thread-id={session.session_id}
            >
              <span className="thread-id">{session.session_id.slice(0, 18)}</span>
              <span className="thread-meta">
                {session.workflow} · {session.status} · {session.message_count} msgs
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
