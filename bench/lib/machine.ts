// The machine a benchmark ran on, printed with every figure.
import { cpus, totalmem, platform, release } from 'node:os';

export function machineLine(): string {
  const cpu = cpus();
  return `machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, Node ${process.version}`;
}
