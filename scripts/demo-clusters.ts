// The demo fleet of `npm start`: simulated clusters enrolled into acme through the API
// (registerCluster), each agent keeping its credential and policies under .palisade/agents/<registered
// name>, never the example file's cluster name, so two clusters from one file never share a folder.
// `npm start` owns these clusters: when the gateway refuses an agent's stored credential (the demo
// was enrolled again from another checkout against the same database, the cluster was deleted), the
// agent exits with CREDENTIAL_REFUSED and is enrolled again here, saying so (decision 0080).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_EXIT } from '@palisade/agent/exit-codes';
import type { ChildSpec, ExitDecision } from './supervisor.js';

export interface DemoCluster {
  readonly name: string;
  readonly file: string;
  readonly labels: Readonly<Record<string, string>>;
}

export const DEMO_CLUSTERS: readonly DemoCluster[] = [
  { name: 'prod-eu', file: 'agent/examples/shop.yaml', labels: { env: 'prod', region: 'eu' } },
  { name: 'prod-us', file: 'agent/examples/shop.yaml', labels: { env: 'prod', region: 'us' } },
  { name: 'staging', file: 'agent/examples/large.yaml', labels: { env: 'staging', region: 'eu' } },
];

export const DEMO_STATE_ROOT = join('.palisade', 'agents');

export function demoStateDir(cluster: DemoCluster, root = DEMO_STATE_ROOT): string {
  return join(root, cluster.name);
}

export interface DemoFleetOptions {
  readonly apiOrigin: string;
  readonly gatewayUrl: string;
  readonly orgSlug: string;
  /** A short-lived admin API token of the organisation (and how to revoke it after use). */
  readonly mintToken: () => Promise<string>;
  readonly say: (line: string) => void;
  readonly stateRoot?: string;
  /** How to run the agent command: the executable and the arguments before the agent's own. */
  readonly command: string;
  readonly commandArgs: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string }[];
}

export class DemoFleet {
  readonly #o: DemoFleetOptions;
  /** The enrollment token each agent must start with, until it has stored its credential. */
  readonly #tokens = new Map<string, string>();

  constructor(options: DemoFleetOptions) {
    this.#o = options;
  }

  /** Enrolls the clusters that are not registered or have no stored credential. */
  async prepare(clusters: readonly DemoCluster[]): Promise<void> {
    await this.#withToken(async (token) => {
      const existing = await this.#graphql<{
        organization: { clusters: { edges: { node: { name: string } }[] } };
      }>(
        token,
        'query($slug: String!) { organization(slug: $slug) { clusters(first: 100) { edges { node { name } } } } }',
        { slug: this.#o.orgSlug },
      );
      const known = new Set(existing.organization.clusters.edges.map((e) => e.node.name));
      for (const cluster of clusters) {
        const credential = join(demoStateDir(cluster, this.#o.stateRoot), 'credential.json');
        if (!known.has(cluster.name) || !existsSync(credential)) await this.#enroll(token, cluster);
      }
    });
  }

  /** The supervised agent of one demo cluster, re-enrolled when its credential is refused. */
  agent(cluster: DemoCluster): ChildSpec {
    const stateDir = demoStateDir(cluster, this.#o.stateRoot);
    return {
      name: `agent:${cluster.name}`,
      command: this.#o.command,
      env: this.#o.env ?? (process.env as Record<string, string>),
      ...(this.#o.cwd === undefined ? {} : { cwd: this.#o.cwd }),
      args: () => {
        const token = this.#tokens.get(cluster.name);
        return [
          ...this.#o.commandArgs,
          '--simulate',
          cluster.file,
          '--gateway',
          this.#o.gatewayUrl,
          '--state-dir',
          stateDir,
          ...(token === undefined ? [] : ['--token', token]),
        ];
      },
      onExit: async (exit): Promise<ExitDecision> => {
        if (exit.code === AGENT_EXIT.USAGE) return 'give-up';
        if (exit.code !== AGENT_EXIT.CREDENTIAL_REFUSED) return 'restart';
        this.#o.say(
          `${cluster.name}: the gateway refused its stored credential (not valid or was revoked); enrolling it again`,
        );
        await this.#withToken((token) => this.#enroll(token, cluster));
        this.#o.say(`${cluster.name}: registered again; its agent restarts with the new enrollment token`);
        return 'restart';
      },
    };
  }

  async #enroll(token: string, cluster: DemoCluster): Promise<void> {
    rmSync(demoStateDir(cluster, this.#o.stateRoot), { recursive: true, force: true });
    const r = await this.#graphql<{ registerCluster: { enrollmentToken: string } }>(
      token,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
      {
        i: {
          orgSlug: this.#o.orgSlug,
          name: cluster.name,
          labels: Object.entries(cluster.labels).map(([key, value]) => ({ key, value })),
        },
      },
    );
    this.#tokens.set(cluster.name, r.registerCluster.enrollmentToken);
  }

  /**
   * Runs `use` with a fresh short-lived token, revoked afterwards rather than left to expire. The
   * revocation is best effort: when the API went away meanwhile the token still expires on its own,
   * and the error of `use`, if any, is the one worth reporting.
   */
  async #withToken<T>(use: (token: string) => Promise<T>): Promise<T> {
    const token = await this.#o.mintToken();
    try {
      return await use(token);
    } finally {
      await this.#revoke(token).catch((error: unknown) =>
        this.#o.say(
          `could not revoke the temporary API token (${error instanceof Error ? error.message : String(error)}); it expires on its own`,
        ),
      );
    }
  }

  async #revoke(token: string): Promise<void> {
    const me = await this.#graphql<{ viewer: { token: { id: string } } }>(
      token,
      'query { viewer { token { id } } }',
      {},
    );
    await this.#graphql(token, 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }', {
      i: { orgSlug: this.#o.orgSlug, tokenId: me.viewer.token.id },
    });
  }

  async #graphql<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const r = await fetch(`${this.#o.apiOrigin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await r.json()) as GraphqlResponse<T>;
    if (body.errors?.length || !body.data)
      throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${String(r.status)}`);
    return body.data;
  }
}
