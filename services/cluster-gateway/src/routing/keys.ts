// The Redis names and payloads shared with the API live in @palisade/protocol/routing (decision
// 0006); the gateway's modules import them through this file.
export * from '@palisade/protocol/routing';
