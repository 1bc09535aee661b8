// TEST TOOLING — never imported by a deployable. Small helpers the test suites and benchmarks of
// every workspace share (databases have their own: @palisade/migrations/test-databases).
export { freePort } from './free-port.js';
export { waitFor } from './wait-for.js';
