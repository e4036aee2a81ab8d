/**
 * freePort() names a port for WEBHOOK_PORT / HEALTH_PORT before the bridge binds it. A port from the OS's ephemeral
 * range (what listen(0) gives) can be handed to another test's listen(0) or outgoing connection in between: CI once
 * failed with "WEBHOOK_PORT … is already in use" that way. So it must come from below that range, and be bindable.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/env.js';

const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number];

describe('freePort', () => {
  it('gives ports below the ephemeral range that can be bound on loopback', async () => {
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(1024);
      expect(port).toBeLessThan(ephemeralLow);
      await new Promise<void>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
      });
    }
  });

  it('does not give a port someone already listens on', async () => {
    const taken = await freePort();
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(taken, '127.0.0.1', resolve));
    try {
      for (let i = 0; i < 50; i++) expect(await freePort()).not.toBe(taken);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });
});
