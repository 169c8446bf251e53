import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactObject, redactText } from './redact.js';

describe('redactText', () => {
  it('removes BGP neighbor passwords from FRR configuration and logs', () => {
    const conf = [
      'router bgp 64512',
      ' neighbor 192.0.2.1 remote-as 64513',
      ' neighbor 192.0.2.1 password s3cr3t-Pa55',
      ' neighbor 2001:db8::1 password "with spaces inside"',
      ' neighbor eth0 password x',
      '2026/11/27 10:00:00 BGP: [VTY] neighbor 198.51.100.7 password leaked-in-log',
    ].join('\n');
    const out = redactText(conf);
    expect(out).not.toMatch(/s3cr3t|with spaces|leaked-in-log|password x$/m);
    expect(out).toContain(` neighbor 192.0.2.1 password ${REDACTED}`);
    expect(out).toContain(` neighbor eth0 password ${REDACTED}`);
    expect(out).toContain(' neighbor 192.0.2.1 remote-as 64513');
  });

  it('removes vty passwords, JSON and YAML password fields, and keeps passwordSecret references', () => {
    const out = redactText([
      'password zebra',
      'enable password root',
      '{"password":"a\\"b", "peer":"192.0.2.1"}',
      'spec:',
      '  password: hunter2',
      '  passwordSecret:',
      '    name: bgp-secret',
      '- password: inlist',
      '{peerAddress: 192.0.2.1, password: flowstyle}',
    ].join('\n'));
    for (const s of ['zebra', 'root', 'a\\"b', 'hunter2', 'inlist', 'flowstyle']) expect(out).not.toContain(s);
    expect(out).toContain('name: bgp-secret');
    expect(out).toContain('"peer":"192.0.2.1"');
  });

  it('leaves text without passwords unchanged', () => {
    const text = 'show bgp summary\nNeighbor V AS MsgRcvd\n192.0.2.1 4 64513 10\n';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactObject', () => {
  it('replaces every Secret value and keeps the keys', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp', namespace: 'metallb-system' },
      type: 'kubernetes.io/basic-auth', data: { password: 'aHVudGVyMg==', other: 'eA==' }, stringData: { x: 'y' } };
    const out = redactObject(secret);
    expect(out.data).toEqual({ password: REDACTED, other: REDACTED });
    expect(out.stringData).toEqual({ x: REDACTED });
    expect(out.metadata).toEqual(secret.metadata);
    expect(secret.data.password).toBe('aHVudGVyMg=='); // input untouched
  });

  it('replaces password fields at any depth and inside the last-applied annotation', () => {
    const peer = {
      apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer',
      metadata: { name: 'r1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration':
        JSON.stringify({ kind: 'BGPPeer', spec: { password: 'in-annotation' } }) } },
      spec: { peerAddress: '192.0.2.1', password: 'plain', passwordSecret: { name: 's' }, list: [{ password: 'deep' }] },
    };
    const out = redactObject(peer);
    expect(JSON.stringify(out)).not.toMatch(/in-annotation|plain|deep/);
    expect(out.spec.passwordSecret).toEqual({ name: 's' });
    expect(out.spec.peerAddress).toBe('192.0.2.1');
    const secretApplied = redactObject({ kind: 'Secret', metadata: { name: 's', annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', data: { password: 'c2VjcmV0' } }) } } });
    expect(JSON.stringify(secretApplied)).not.toContain('c2VjcmV0');
  });
});
