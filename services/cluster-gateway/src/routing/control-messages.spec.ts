import { describe, expect, it } from 'vitest';
import { parseControlMessage } from './control-messages.js';

describe('parseControlMessage', () => {
  it('accepts the three kinds of decision 0006 and the desired notice of decision 0009', () => {
    expect(parseControlMessage('{"kind":"desired","clusterId":"c","generation":7}')).toEqual({
      kind: 'desired',
      clusterId: 'c',
      generation: 7,
    });
    expect(parseControlMessage('{"kind":"takeover","clusterId":"c","epoch":3}')).toEqual({
      kind: 'takeover',
      clusterId: 'c',
      epoch: 3,
    });
    expect(parseControlMessage('{"kind":"revoke","clusterId":"c"}')).toEqual({
      kind: 'revoke',
      clusterId: 'c',
    });
    const request = {
      kind: 'request',
      requestId: 'r',
      clusterId: 'c',
      method: 'agent.health',
      params: { deep: [1, null, 'x'] },
      replyTo: 'p:api:i:replies',
      timeoutMs: 1000,
    };
    expect(parseControlMessage(JSON.stringify(request))).toEqual(request);
  });

  it('drops anything else without throwing', () => {
    for (const text of [
      '',
      'null',
      '[]',
      '{"kind":"explode"}',
      '{"kind":"takeover","clusterId":"c","epoch":0}',
      '{"kind":"revoke"}',
      '{"kind":"desired","clusterId":"c","generation":0}',
      '{"kind":"desired","clusterId":"c","generation":"7"}',
      '{"kind":"request","requestId":"r","clusterId":"c","method":"m","params":null,"replyTo":"x","timeoutMs":0}',
      '{"kind":"request","requestId":"r","clusterId":"c","method":"m","replyTo":"x","timeoutMs":10}',
    ]) {
      expect(parseControlMessage(text)).toBeUndefined();
    }
  });
});
