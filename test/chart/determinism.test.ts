// Nothing in the chart is random or depends on the cluster: `helm template` (as GitOps tools such as
// Argo CD and Flux run it, where `lookup` finds nothing) gives the same bytes every time for the same
// values. A new memberlist key or webhook CA per render would split the speakers' membership and break
// the webhooks; the controller makes both at run time instead.
import { describe, expect, it, jest } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir, render, repoRoot } from './helm.js';

jest.setTimeout(120_000);

const fixture = (name: string) => parse(readFileSync(join(repoRoot, 'test/chart/fixtures', name), 'utf8')) as object;

function templateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return templateFiles(p);
    return /\.(ya?ml|tpl|txt)$/.test(n) && p.includes('/templates/') ? [p] : [];
  });
}

describe('the chart renders deterministically', () => {
  it.each([
    ['defaults', {}],
    ['every value set', fixture('all-values.yaml')],
    ['upstream\'s values file', fixture('upstream-values.yaml')],
    ['cert-manager certificates', { webhook: { certificateMode: 'certManager' } }],
  ])('gives byte-identical output on two renders (%s)', async (_name, values) => {
    const a = await render(values);
    const b = await render(values);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(a.stdout === b.stdout).toBe(true);
  });

  it('uses no template function that looks up the cluster, draws randomness or reads the clock', () => {
    // Sprig/Helm functions whose output differs between renders or with the cluster's content.
    const forbidden = /\b(lookup|randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|uuidv4|genCA|genCAWithKey|genPrivateKey|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey|derivePassword|now|date|dateInZone|unixEpoch)\b/;
    const hits = templateFiles(chartDir).flatMap((f) => readFileSync(f, 'utf8').split('\n')
      .map((line, i) => ({ where: `${f.slice(chartDir.length + 1)}:${i + 1}`, line }))
      // Only template actions count, not prose in comments or YAML text.
      .filter(({ line }) => [...line.matchAll(/\{\{(.*?)\}\}/g)].some((m) => !m[1].trim().startsWith('/*') && !m[1].trim().startsWith('- /*') && forbidden.test(m[1]))));
    expect(hits).toEqual([]);
  });
});
