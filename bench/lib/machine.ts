// The machine a benchmark ran on, printed with every figure, with its load: on a shared machine
// the figures are only as quiet as the load says.
import { cpus, loadavg, totalmem, platform, release } from 'node:os';

export function machineLine(): string {
  const cpu = cpus();
  return `machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, Node ${process.version}, load ${loadavg()[0]?.toFixed(1) ?? '?'} (1 min)`;
}
