// @palisade/policy — Calico-compatible policy model, validation, selector language, evaluation
// engine and YAML import/export. Isomorphic: no node:* imports, no DOM, no I/O (the CLI aside).
export * from './resources/types.js';
export * from './selector/index.js';
export * from './resources/index.js';
export * from './yaml/index.js';
