// Address parsing and CIDR matching of the fast path, including a property check against a plain
// bigint implementation.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCidrSet } from '../src/engine/cidr-set.js';
import { cidrContains, parseCidr, parseIp } from '../src/engine/ip.js';
import { refInCidr, refParseIp } from '../src/engine/reference-net.js';

const ip = (t: string) => parseIp(t)!;
const set = (...cidrs: string[]) => compileCidrSet(cidrs.map((c) => parseCidr(c)!));

describe('parseIp', () => {
  it('reads IPv4 and IPv6 forms', () => {
    expect(ip('10.1.2.3')).toEqual({ family: 4, w0: 0, w1: 0, w2: 0, w3: 0x0a010203 });
    expect(ip('::')).toEqual({ family: 6, w0: 0, w1: 0, w2: 0, w3: 0 });
    expect(ip('::1').w3).toBe(1);
    expect(ip('2001:db8::8:800:200c:417a')).toEqual({
      family: 6,
      w0: 0x20010db8,
      w1: 0,
      w2: 0x00080800,
      w3: 0x200c417a,
    });
    expect(ip('::ffff:192.0.2.1')).toEqual({ family: 6, w0: 0, w1: 0, w2: 0xffff, w3: 0xc0000201 });
    expect(ip('FD00::A')).toEqual(ip('fd00:0:0:0:0:0:0:a'));
  });

  it('rejects malformed addresses', () => {
    for (const bad of [
      '1.2.3',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.4.5',
      ':::',
      '1::2::3',
      'g::1',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '',
    ]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });
});

describe('parseCidr', () => {
  it('masks host bits and treats a bare address as a host route', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ family: 4, prefix: 8, w3: 0x0a000000 });
    expect(parseCidr('10.1.2.3')).toMatchObject({ prefix: 32, w3: 0x0a010203 });
    expect(parseCidr('2001:db8::1/32')).toMatchObject({ family: 6, prefix: 32, w0: 0x20010db8, w3: 0 });
    expect(parseCidr('::1')).toMatchObject({ prefix: 128 });
  });

  it('rejects bad prefixes', () => {
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/08x'])
      expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('matches inclusive boundaries and never across families', () => {
    const c = parseCidr('192.168.0.0/16')!;
    expect(cidrContains(c, ip('192.168.0.0'))).toBe(true);
    expect(cidrContains(c, ip('192.168.255.255'))).toBe(true);
    expect(cidrContains(c, ip('192.169.0.0'))).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, ip('10.0.0.1'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, ip('255.255.255.255'))).toBe(true);
  });
});

describe('compileCidrSet', () => {
  it('merges overlapping and adjacent IPv4 ranges', () => {
    const s = set('10.0.0.0/25', '10.0.0.128/25', '10.0.1.0/24', '10.0.0.5/32', '172.16.0.0/12');
    expect(s.contains(ip('10.0.1.255'))).toBe(true);
    expect(s.contains(ip('10.0.2.0'))).toBe(false);
    expect(s.contains(ip('172.31.255.255'))).toBe(true);
    expect(s.contains(ip('9.255.255.255'))).toBe(false);
    expect([s.hasV4, s.hasV6]).toEqual([true, false]);
  });

  it('matches IPv6 prefixes', () => {
    const s = set('2001:db8::/32', 'fd00::1/128');
    expect(s.contains(ip('2001:db8:ffff::1'))).toBe(true);
    expect(s.contains(ip('2001:db9::'))).toBe(false);
    expect(s.contains(ip('fd00::1'))).toBe(true);
    expect(s.contains(ip('fd00::2'))).toBe(false);
    expect(s.contains(ip('10.0.0.1'))).toBe(false);
  });

  it('agrees with a plain bigint implementation', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
    const v6 = fc
      .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
      .map((g) => g.map((x) => x.toString(16)).join(':'));
    const address = fc.oneof(v4, v6);
    const cidr = fc.oneof(
      fc.tuple(v4, fc.nat(32)).map(([a, p]) => `${a}/${p}`),
      fc.tuple(v6, fc.nat(128)).map(([a, p]) => `${a}/${p}`),
    );
    fc.assert(
      fc.property(
        fc.array(cidr, { maxLength: 6 }),
        fc.array(address, { minLength: 1, maxLength: 10 }),
        (cidrs, addresses) => {
          const s = set(...cidrs);
          for (const a of addresses) {
            const expected = cidrs.some((c) => refInCidr(refParseIp(a)!, c));
            expect(s.contains(ip(a)), `${a} in ${cidrs.join(',')}`).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
