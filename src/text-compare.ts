/** Pure text comparisons shared by the ledger (db) and the bridge core; no imports, so any layer may use them. */

/** Text comparison for reconciliation: Market may trim or normalise line breaks. */
export function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, '\n').trim();
  return norm(a) === norm(b);
}
