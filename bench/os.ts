import { cpus, totalmem } from 'node:os';

/** One line describing the machine, printed above the figures. */
export function os(): string {
  const cpu = cpus();
  return `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}
