/**
 * Tokens verified recently, so a client's repeated requests skip the signature check. An entry
 * lives at most `maxAgeMs` and never past the token's own expiry; the map is bounded. Only
 * tokens that passed every check (signature, claims, the token policy) are stored, and every
 * check a stored token passed stays passed until its `exp`, so a hit needs no re-check.
 */
export class VerifiedTokenCache<Identity> {
  private readonly entries = new Map<string, { identity: Identity; until: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(token: string): Identity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.identity;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, identity: Identity, expiresAtSeconds: number | undefined): void {
    const until = Math.min(
      this.now() + this.maxAgeMs,
      (expiresAtSeconds ?? Number.POSITIVE_INFINITY) * 1000,
    );
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { identity, until });
  }
}
