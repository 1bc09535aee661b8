// @palisade/protocol — the messages of the tunnel between the in-cluster agent and the cluster
// gateway, their codec and validation, close reasons, version negotiation, limits, request
// correlation, the inventory stream rules and the chunking of desired state and apply results. Isomorphic and dependency-free: no node:* imports,
// no I/O, no sockets.
export * from './apply-result-assembler.js';
export * from './apply-result-chunks.js';
export * from './chunk-stream.js';
export * from './close-reasons.js';
export * from './codec.js';
export * from './desired-assembler.js';
export * from './desired-chunks.js';
export * from './formats.js';
export * from './inventory-chunks.js';
export * from './inventory-sequencer.js';
export * from './limits.js';
export * from './messages.js';
export * from './pending-requests.js';
export { utf8ByteLength, truncateUtf8 } from './utf8.js';
export { ValidationError, formatPath, type Validator } from './validate.js';
export * from './version.js';
