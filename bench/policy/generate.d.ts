import type { Connection } from '../../packages/policy/src/engine/connection.js';
import type { WorldInput } from '../../packages/policy/src/engine/world-input.js';
export interface BenchSizes {
    namespaces: number;
    endpoints: number;
    policies: number;
    connections: number;
}
export declare function generateBenchWorld(sizes: BenchSizes): {
    world: WorldInput;
    connections: Connection[];
};
