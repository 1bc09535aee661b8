// The agent's own version, as it reports it in every hello (kept equal to package.json by a test).

export const AGENT_VERSION = '0.1.0';
