// The FlowShipper alone, on a clock the test steps: the window of batches in flight, the resend of
// a batch the gateway neither acknowledged nor lost the session over, `droppedTotal` on every batch
// and nothing sent while no session is attached. Flows come from a source the test feeds.
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '@palisade/flows';
import { DEFAULT_LIMITS, type AgentMessage, type FlowBatchMessage } from '@palisade/protocol';
import { FlowShipper } from '../src/flows/flow-shipper.js';
import { FLOW_MAX_BATCHES_IN_FLIGHT, FLOW_RESEND_AFTER_MS } from '../src/limits.js';
import { silentLogger } from '../src/log.js';
import { flowRecord } from './support/flow-records.js';
import { ManualClock } from './support/manual-clock.js';

const START_MS = 1_767_225_600_000;
const LIMITS = { ...DEFAULT_LIMITS, maxFlowsPerBatch: 1 };

function setup(bufferRecords = 100) {
  const clock = new ManualClock(START_MS);
  let deliver: (records: FlowRecord[]) => void = () => undefined;
  const shipper = new FlowShipper({
    provider: {
      onFlows: (listener) => {
        deliver = listener;
        return () => undefined;
      },
    },
    bufferRecords,
    clock,
    log: silentLogger(),
  });
  shipper.start();
  const sent: FlowBatchMessage[] = [];
  const send = (message: AgentMessage) => {
    if (message.type === 'flow.batch') sent.push(message);
    return true;
  };
  /** `count` distinct flows in the bucket now open. */
  const produce = (count: number) =>
    deliver(
      Array.from({ length: count }, (_, i) =>
        flowRecord({ start_time: Math.floor(clock.now() / 1000), end_time: 0, dest_port: 1000 + i }),
      ),
    );
  return { clock, shipper, sent, send, produce };
}

describe('FlowShipper', () => {
  it('holds flows while no session is attached and sends a window of them on attach', () => {
    const { clock, shipper, sent, send, produce } = setup();
    const window = FLOW_MAX_BATCHES_IN_FLIGHT;
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    produce(window + 2);
    clock.advance(17_000);
    expect(shipper.stats()).toMatchObject({ waiting: window + 2, unackedBatches: 0 });
    shipper.attach(send, LIMITS);
    expect(sent.map((b) => b.sequence)).toEqual(upTo(window));
    shipper.acknowledge(window);
    expect(sent.map((b) => b.sequence)).toEqual(upTo(window + 2));
    shipper.acknowledge(window + 2);
    expect(shipper.stats()).toMatchObject({
      waiting: 0,
      unackedBatches: 0,
      bufferedRecords: 0,
      ackedSequence: window + 2,
    });
  });

  it('sends an unacknowledged batch again, with its sequence, when no ack comes in time', () => {
    const { clock, shipper, sent, send, produce } = setup();
    shipper.attach(send, LIMITS);
    produce(2);
    clock.advance(17_000);
    expect(sent.map((b) => b.sequence)).toEqual([1, 2]);
    clock.advance(FLOW_RESEND_AFTER_MS - 1_000);
    expect(sent).toHaveLength(2);
    clock.advance(1_000);
    expect(sent.map((b) => b.sequence)).toEqual([1, 2, 1, 2]);
    expect(sent[2]!.records).toEqual(sent[0]!.records);
  });

  it('ignores an ack older than one already had, and a detached session gets nothing', () => {
    const { clock, shipper, sent, send, produce } = setup();
    const detach = shipper.attach(send, LIMITS);
    produce(3);
    clock.advance(17_000);
    shipper.acknowledge(2);
    shipper.acknowledge(1);
    expect(shipper.stats().ackedSequence).toBe(2);
    detach();
    produce(2);
    clock.advance(15_000);
    expect(sent.map((b) => b.sequence)).toEqual([1, 2, 3]);
  });

  it('carries the count of dropped flows on every batch', () => {
    const { clock, shipper, sent, send, produce } = setup(3);
    produce(5);
    clock.advance(17_000);
    expect(shipper.droppedTotal()).toBe(2);
    shipper.attach(send, LIMITS);
    expect(sent.map((b) => [b.sequence, b.droppedTotal, (b.records[0] as FlowRecord).dest_port])).toEqual([
      [1, 2, 1002],
      [2, 2, 1003],
      [3, 2, 1004],
    ]);
  });
});
