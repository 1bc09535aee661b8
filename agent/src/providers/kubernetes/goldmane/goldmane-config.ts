// What the kubernetes provider needs to reach Goldmane, and its defaults: Calico's own install
// (the Tigera operator puts Goldmane behind the Service `goldmane` in `calico-system`, port 7443,
// decision 0050). Built once from the agent's environment (config/env.ts validates each variable
// with the checks exported here); `PALISADE_GOLDMANE_ADDRESS=off` turns flows from Goldmane off.

import { DEFAULT_GOLDMANE_TLS, parsePemSource, type GoldmaneTlsSources } from './goldmane-tls.js';

export interface GoldmaneConfig {
  /** `host:port` of Goldmane's gRPC port. */
  readonly address: string;
  /** The name its certificate must carry, when it is not the address's host (a port-forward). */
  readonly serverName: string | null;
  readonly tls: GoldmaneTlsSources;
}

export const DEFAULT_GOLDMANE_ADDRESS = 'goldmane.calico-system.svc:7443';
export const GOLDMANE_OFF = 'off';

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([1-9][0-9]{0,4})$/;

export function isGoldmaneAddress(value: string): boolean {
  const port = HOST_PORT.exec(value)?.[3];
  return value === GOLDMANE_OFF || (port !== undefined && Number(port) <= 65_535);
}

export function isPemSource(value: string): boolean {
  try {
    parsePemSource(value);
    return true;
  } catch {
    return false;
  }
}

export interface GoldmaneSettings {
  readonly PALISADE_GOLDMANE_ADDRESS?: string | undefined;
  readonly PALISADE_GOLDMANE_SERVER_NAME?: string | undefined;
  readonly PALISADE_GOLDMANE_CA?: string | undefined;
  readonly PALISADE_GOLDMANE_CLIENT_CERT?: string | undefined;
  readonly PALISADE_GOLDMANE_CLIENT_KEY?: string | undefined;
}

/** The configuration from already validated settings; null when turned off. */
export function goldmaneConfig(settings: GoldmaneSettings): GoldmaneConfig | null {
  const address = settings.PALISADE_GOLDMANE_ADDRESS ?? DEFAULT_GOLDMANE_ADDRESS;
  if (address === GOLDMANE_OFF) return null;
  return {
    address,
    serverName: settings.PALISADE_GOLDMANE_SERVER_NAME ?? null,
    tls: {
      ca: parsePemSource(settings.PALISADE_GOLDMANE_CA ?? DEFAULT_GOLDMANE_TLS.ca),
      cert: parsePemSource(settings.PALISADE_GOLDMANE_CLIENT_CERT ?? DEFAULT_GOLDMANE_TLS.cert),
      key: parsePemSource(settings.PALISADE_GOLDMANE_CLIENT_KEY ?? DEFAULT_GOLDMANE_TLS.key),
    },
  };
}
