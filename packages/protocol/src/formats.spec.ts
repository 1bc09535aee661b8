import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNS_LABEL, DNS_SUBDOMAIN, IP_ADDRESS, LABEL_KEY, LABEL_VALUE, type Format } from './formats.js';

function accepts(format: Format, value: string): boolean {
  return value.length <= format.maxLength && format.test(value);
}

describe('IP_ADDRESS', () => {
  it.each([
    '0.0.0.0',
    '10.244.1.17',
    '255.255.255.255',
    '::',
    '::1',
    '1::',
    'fd00:10:244:1::11',
    '2001:db8:0:0:0:0:2:1',
    '1:2:3:4:5:6:7::',
    '::ffff:192.0.2.128',
    '64:ff9b::192.0.2.33',
    'FE80::1',
  ])('accepts %s', (ip) => {
    expect(accepts(IP_ADDRESS, ip)).toBe(true);
  });

  it.each([
    '',
    '10.0.0',
    '10.0.0.256',
    '010.0.0.1',
    '10.0.0.1 ',
    '1.2.3.4:80',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'fe80::1%eth0',
    '::ffff:1.2.3',
    '10.0.0.0/8',
  ])('rejects %j', (ip) => {
    expect(accepts(IP_ADDRESS, ip)).toBe(false);
  });

  it('accepts every generated address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        expect(accepts(IP_ADDRESS, ip)).toBe(true);
      }),
    );
  });
});

describe('Kubernetes names and labels', () => {
  it.each<[Format, string, boolean]>([
    [DNS_LABEL, 'shop', true],
    [DNS_LABEL, 'a'.repeat(63), true],
    [DNS_LABEL, 'a'.repeat(64), false],
    [DNS_LABEL, 'Shop', false],
    [DNS_LABEL, '-shop', false],
    [DNS_LABEL, 'shop.v1', false],
    [DNS_SUBDOMAIN, 'frontend-7d4f9c-x2k4q', true],
    [DNS_SUBDOMAIN, 'worker-1.eu-west-1.compute.internal', true],
    [DNS_SUBDOMAIN, 'a..b', false],
    [DNS_SUBDOMAIN, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    [DNS_SUBDOMAIN, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
    [LABEL_KEY, 'app', true],
    [LABEL_KEY, 'app.kubernetes.io/name', true],
    [LABEL_KEY, 'projectcalico.org/namespace', true],
    [LABEL_KEY, 'Tier_2', true],
    [LABEL_KEY, '/name', false],
    [LABEL_KEY, 'a/b/c', false],
    [LABEL_KEY, 'UPPER.example.com/name', false],
    [LABEL_KEY, `x/${'n'.repeat(64)}`, false],
    [LABEL_KEY, '__proto__', false],
    [LABEL_VALUE, '', true],
    [LABEL_VALUE, 'v1.2_rc-3', true],
    [LABEL_VALUE, 'a b', false],
    [LABEL_VALUE, 'x'.repeat(64), false],
  ])('%#: %j → %s', (format, value, expected) => {
    expect(accepts(format, value)).toBe(expected);
  });
});
