import { cpus, loadavg, totalmem } from 'node:os';

/** One line describing the machine, printed above the figures. */
export function os(): string {
  const cpu = cpus();
  return `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

/** The 1, 5 and 15 minute load averages: how busy the machine was (figures are noisy when it is above the cores). */
export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}
