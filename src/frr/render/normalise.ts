// Normalises FRR configuration text for comparison: drops what FRR adds by itself or cannot keep
// (version banner, `frr defaults`, forwarding state, `hostname`: vtysh prints its own host name, not
// the configured one), blank lines and repeated `!` separators.
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
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || DROP.some((re) => re.test(line))) continue;
    if (line === '!' && (out.length === 0 || out[out.length - 1] === '!')) continue;
    out.push(line);
  }
  while (out[out.length - 1] === '!') out.pop();
  return out.join('\n') + '\n';
}
