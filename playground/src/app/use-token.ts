import { useCallback, useState } from "react";

const KEY = "agent-runtime.playground.token";

/**
 * The bearer token the page sends: `#token=…` in the URL (what `npm start` prints; a fragment
 * never reaches the server or its logs) wins and is then removed from the address bar; else
 * the one saved in this browser.
 */
export function useToken(): [string, (token: string) => void] {
  const [token, setTokenState] = useState(() => {
    const fromHash = new URLSearchParams(window.location.hash.slice(1)).get("token");
    if (fromHash) {
      localStorage.setItem(KEY, fromHash);
      history.replaceState(null, "", window.location.pathname + window.location.search);
      return fromHash;
    }
    return localStorage.getItem(KEY) ?? "";
  });
  const setToken = useCallback((next: string) => {
    localStorage.setItem(KEY, next);
    setTokenState(next);
  }, []);
  return [token, setToken];
}
