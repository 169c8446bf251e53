import { describe, expect, it } from '@jest/globals';
import { rejections } from './vtysh.js';

describe('rejections', () => {
  it('finds refusals and ignores notices and plain output', () => {
    const out = ['Building configuration...', '% [BGP] Argument form is unsupported or malformed.',
      '% Echo mode works correctly for IPv4, but only works when the peer is also FRR for IPv6.', '  % Unknown command: foo'].join('\n');
    expect(rejections(out)).toEqual(['% [BGP] Argument form is unsupported or malformed.', '% Unknown command: foo']);
    expect(rejections('')).toEqual([]);
  });
});
