import { describe, expect, it } from 'vitest';
import { CliError, DEFAULT_GATEWAY_URL, parseCommand } from './cli.js';
import { readEnv, type AgentEnv } from './env.js';
import { DEFAULT_FLOW_BUFFER_RECORDS } from '../limits.js';

const NO_ENV: AgentEnv = { LOG_LEVEL: 'info' };
const TOKEN = 'pen_0123456789abcdef0123';

function refusal(argv: string[], env: AgentEnv = NO_ENV): string {
  try {
    parseCommand(argv, () => env);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as CliError).message;
  }
  throw new Error('expected a refusal');
}

describe('agent command line', () => {
  it('simulated mode with defaults', () => {
    expect(parseCommand(['--simulate', 'shop.yaml', '--token', TOKEN], () => NO_ENV)).toEqual({
      mode: 'simulate',
      file: 'shop.yaml',
      token: TOKEN,
      gatewayUrl: DEFAULT_GATEWAY_URL,
      stateDir: null,
      flowBufferRecords: DEFAULT_FLOW_BUFFER_RECORDS,
      logLevel: 'info',
      healthPort: null,
    });
  });

  it('kubernetes mode in a cluster takes the token, gateway, Secret and namespace from the environment', () => {
    const env = readEnv({
      PALISADE_GATEWAY_URL: 'wss://gateway.example.com/v1/tunnel',
      PALISADE_ENROLLMENT_TOKEN: TOKEN,
      PALISADE_CREDENTIAL_SECRET: 'palisade-agent-credential',
      POD_NAMESPACE: 'palisade-system',
      PALISADE_HEALTH_PORT: '8081',
    });
    expect(parseCommand(['--kubernetes', '--in-cluster'], () => env)).toEqual({
      mode: 'kubernetes',
      inCluster: true,
      kubeconfig: null,
      token: TOKEN,
      gatewayUrl: 'wss://gateway.example.com/v1/tunnel',
      credentialSecret: 'palisade-agent-credential',
      namespace: 'palisade-system',
      stateDir: null,
      flowBufferRecords: DEFAULT_FLOW_BUFFER_RECORDS,
      logLevel: 'info',
      healthPort: 8081,
      goldmane: {
        address: 'goldmane.calico-system.svc:7443',
        serverName: null,
        tls: {
          ca: { from: 'configmap', namespace: 'calico-system', name: 'goldmane-ca-bundle', key: 'ca.crt' },
          cert: {
            from: 'secret',
            namespace: 'calico-system',
            name: 'whisker-backend-key-pair',
            key: 'tls.crt',
          },
          key: {
            from: 'secret',
            namespace: 'calico-system',
            name: 'whisker-backend-key-pair',
            key: 'tls.key',
          },
        },
      },
    });
  });

  it('kubernetes mode takes where Goldmane is and its TLS material from the environment, or turns it off', () => {
    const env = readEnv({
      PALISADE_GOLDMANE_ADDRESS: '127.0.0.1:7443',
      PALISADE_GOLDMANE_SERVER_NAME: 'goldmane.calico-system.svc',
      PALISADE_GOLDMANE_CA: 'file:/etc/goldmane/ca.crt',
      PALISADE_GOLDMANE_CLIENT_CERT: 'secret:palisade-system/goldmane-client/tls.crt',
      PALISADE_GOLDMANE_CLIENT_KEY: 'secret:palisade-system/goldmane-client/tls.key',
    });
    expect(parseCommand(['--kubernetes'], () => env)).toMatchObject({
      goldmane: {
        address: '127.0.0.1:7443',
        serverName: 'goldmane.calico-system.svc',
        tls: {
          ca: { from: 'file', path: '/etc/goldmane/ca.crt' },
          cert: { from: 'secret', namespace: 'palisade-system', name: 'goldmane-client', key: 'tls.crt' },
          key: { from: 'secret', namespace: 'palisade-system', name: 'goldmane-client', key: 'tls.key' },
        },
      },
    });
    expect(parseCommand(['--kubernetes'], () => readEnv({ PALISADE_GOLDMANE_ADDRESS: 'off' }))).toMatchObject(
      {
        goldmane: null,
      },
    );
    expect(() =>
      readEnv({
        PALISADE_GOLDMANE_ADDRESS: 'goldmane',
        PALISADE_GOLDMANE_CA: 'configmap:calico-system/goldmane-ca-bundle',
        PALISADE_GOLDMANE_CLIENT_KEY: '/etc/key.pem',
      }),
    ).toThrow(
      /PALISADE_GOLDMANE_ADDRESS: must be <host>:<port>, or off\n {2}PALISADE_GOLDMANE_CA: must be configmap:.*\n {2}PALISADE_GOLDMANE_CLIENT_KEY: must be/,
    );
  });

  it('flags win over the environment', () => {
    const env = readEnv({ PALISADE_GATEWAY_URL: 'ws://a:1/v1/tunnel', KUBECONFIG: '/env/config' });
    expect(
      parseCommand(
        ['--kubernetes', '--kubeconfig', '/flag/config', '--gateway', 'ws://b:2/v1/tunnel'],
        () => env,
      ),
    ).toMatchObject({
      kubeconfig: '/flag/config',
      gatewayUrl: 'ws://b:2/v1/tunnel',
    });
  });

  it('takes the flow buffer size from the flag, else the environment', () => {
    const env = readEnv({ PALISADE_FLOW_BUFFER_RECORDS: '5000' });
    expect(parseCommand(['--simulate', 'a.yaml'], () => env)).toMatchObject({ flowBufferRecords: 5000 });
    expect(parseCommand(['--simulate', 'a.yaml', '--flow-buffer', '70'], () => env)).toMatchObject({
      flowBufferRecords: 70,
    });
    expect(refusal(['--simulate', 'a.yaml', '--flow-buffer', '0'])).toBe(
      '--flow-buffer: must be a number of flow records from 1 to 999999999',
    );
  });

  it('takes the health port from the flag, else the environment, else off', () => {
    const env = readEnv({ PALISADE_HEALTH_PORT: '8081' });
    expect(parseCommand(['--simulate', 'a.yaml'], () => env)).toMatchObject({ healthPort: 8081 });
    expect(parseCommand(['--simulate', 'a.yaml', '--health-port', 'off'], () => env)).toMatchObject({
      healthPort: null,
    });
    expect(parseCommand(['--simulate', 'a.yaml', '--health-port', '65535'], () => env)).toMatchObject({
      healthPort: 65535,
    });
    for (const bad of ['0', '65536', '08081', 'http'])
      expect(refusal(['--simulate', 'a.yaml', '--health-port', bad])).toBe(
        '--health-port: must be a port from 1 to 65535, or off',
      );
  });

  it('names the flag at fault', () => {
    expect(refusal([])).toBe('--simulate: give --simulate <cluster.yaml> or --kubernetes');
    expect(refusal(['--simulate'])).toBe('--simulate: needs a value');
    expect(refusal(['--simulate', 'a.yaml', '--kubernetes'])).toBe(
      '--simulate: cannot be combined with --kubernetes; choose one provider',
    );
    expect(refusal(['--simulate', 'a.yaml', '--in-cluster'])).toBe(
      '--in-cluster: only applies with --kubernetes',
    );
    expect(refusal(['--kubernetes', '--in-cluster', '--kubeconfig', 'x'])).toBe(
      '--kubeconfig: cannot be combined with --in-cluster',
    );
    expect(refusal(['--simulate', 'a.yaml', '--gateway', 'http://localhost:3001'])).toMatch(
      /^--gateway: must be a ws:\/\/ or wss:\/\/ URL/,
    );
    expect(refusal(['--simulate', 'a.yaml', '--token', 'short'])).toMatch(/^--token: must be a token of 16/);
    expect(refusal(['--simulate', 'a.yaml', '--frobnicate'])).toBe('--frobnicate: is not a known option');
    expect(refusal(['--kubernetes=yes'])).toBe('--kubernetes: takes no value');
    expect(refusal(['--simulate', 'a.yaml', '--log-level', 'loud'])).toMatch(/^--log-level: must be one of/);
    expect(refusal(['stray'])).toMatch(/^arguments: unexpected argument/);
  });

  it('answers --help, -h and --version without reading the environment', () => {
    const unreadable = (): AgentEnv => {
      throw new Error('the environment was read');
    };
    expect(parseCommand(['--help'], unreadable)).toEqual({ mode: 'help' });
    expect(parseCommand(['-h'], unreadable)).toEqual({ mode: 'help' });
    expect(parseCommand(['--version'], unreadable)).toEqual({ mode: 'version' });
    expect(parseCommand(['--simulate', 'a.yaml', '--help'], unreadable)).toEqual({ mode: 'help' });
  });

  it('lists every bad environment variable at once', () => {
    expect(() =>
      readEnv({ PALISADE_GATEWAY_URL: 'http://x', POD_NAMESPACE: 'Not_A_Namespace', LOG_LEVEL: 'chatty' }),
    ).toThrow(
      /PALISADE_GATEWAY_URL: must be a ws:\/\/ or wss:\/\/ URL\n {2}POD_NAMESPACE: must be a namespace name\n {2}LOG_LEVEL/,
    );
  });
});
