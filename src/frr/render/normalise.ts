// Normalises FRR configuration text for comparison: drops what FRR adds by itself or cannot keep
// (version banner, `frr defaults`, forwarding state, `hostname`: vtysh prints its own host name, not
// the configured one), blank lines and repeated `!` separators.
import { communityNumbers } from './model.js';

const DROP = [
  /^Building configuration\.\.\.$/,
  /^Current configuration:$/,
  /^frr version /,
  /^frr defaults /,
  /^hostname /,
  /^no (ip|ipv6) forwarding$/,
  /^service integrated-vtysh-config$/,
  /^end$/,
];

export function normaliseConfig(text: string): string {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\s+$/, '');
    // FRR prints well-known communities by name; the rendered file has numbers.
    const m = /^(\s*set community )(.*?)( additive)?$/.exec(line);
    if (m) line = `${m[1]}${communityNumbers(m[2])}${m[3] ?? ''}`;
    if (!line.trim() || DROP.some((re) => re.test(line))) continue;
    if (line === '!' && (out.length === 0 || out[out.length - 1] === '!')) continue;
    out.push(line);
  }
  while (out[out.length - 1] === '!') out.pop();
  return out.join('\n') + '\n';
}
