/**
 * The container's HEALTHCHECK: `node dist/healthcheck.js` exits 0 when GET /healthz answers 200, 1 otherwise
 * (503, no answer within 4 s, HEALTH_PORT not set). The slim image has no curl; node is there anyway.
 */
const port = process.env.HEALTH_PORT?.trim();
const host = process.env.HTTP_HOST?.trim() || '127.0.0.1';
if (!port) {
  process.stderr.write('healthcheck: HEALTH_PORT is not set\n');
  process.exit(1);
}
const url = `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/healthz`;
fetch(url, { signal: AbortSignal.timeout(4_000) }).then(
  async (res) => {
    process.stdout.write(`healthcheck: ${res.status} ${await res.text()}\n`);
    process.exit(res.status === 200 ? 0 : 1);
  },
  (err: unknown) => {
    process.stderr.write(`healthcheck: ${url}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
