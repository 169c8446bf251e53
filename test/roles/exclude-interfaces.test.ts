// The layer 2 interface exclusion list from upstream's excludel2.yaml, the flag, or the defaults.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSpeaker } from '../../src/cli/speaker.js';
import { parseExcludeFile, resolveExcludePatterns } from '../../src/roles/exclude-interfaces.js';

const dir = mkdtempSync(join(tmpdir(), 'excludel2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('resolveExcludePatterns', () => {
  it('reads the chart\'s ConfigMap format; its list replaces the defaults', async () => {
    const p = file('ok.yaml', 'announcedInterfacesToExclude:\n  - "^docker.*"\n  - "^eth9$"\n');
    expect(await resolveExcludePatterns({ file: p })).toEqual(['^docker.*', '^eth9$']);
  });

  it('an empty list or empty file excludes nothing (not the defaults)', async () => {
    expect(await resolveExcludePatterns({ file: file('empty-list.yaml', 'announcedInterfacesToExclude: []\n') })).toEqual([]);
    expect(await resolveExcludePatterns({ file: file('empty.yaml', '') })).toEqual([]);
  });

  it('--exclude-interfaces wins over the file, even a broken one', async () => {
    const broken = file('broken-but-unused.yaml', 'announcedInterfacesToExclude: [\n');
    expect(await resolveExcludePatterns({ flag: ['^lo$'], file: broken })).toEqual(['^lo$']);
  });

  it('no flag, no file: the announcer keeps its built-in defaults; a missing default file too', async () => {
    expect(await resolveExcludePatterns({})).toBeUndefined();
    expect(await resolveExcludePatterns({ file: join(dir, 'absent.yaml'), fileOptional: true })).toBeUndefined();
  });

  it('a file the user named must exist', async () => {
    const p = join(dir, 'absent.yaml');
    await expect(resolveExcludePatterns({ file: p })).rejects.toThrow(`interface exclusion file ${p}: cannot read it`);
  });

  it('a bad regular expression names the file and the pattern', async () => {
    const p = file('bad-re.yaml', 'announcedInterfacesToExclude: ["^eth(", "^lo$"]\n');
    await expect(resolveExcludePatterns({ file: p })).rejects.toThrow(`interface exclusion file ${p}: interface pattern "^eth(" is not a valid regular expression`);
    await expect(resolveExcludePatterns({ flag: ['[a'] })).rejects.toThrow('--exclude-interfaces: interface pattern "[a"');
  });

  it('bad YAML or a wrong shape names the file', () => {
    expect(() => parseExcludeFile('announcedInterfacesToExclude: [\n', 'x.yaml')).toThrow('interface exclusion file x.yaml: not valid YAML');
    expect(() => parseExcludeFile('- ^lo$\n', 'x.yaml')).toThrow('x.yaml: expected a mapping');
    expect(() => parseExcludeFile('announcedInterfacesToExclude: "^lo$"\n', 'x.yaml')).toThrow('must be a list of regular expressions');
    expect(() => parseExcludeFile('announcedInterfacesToExclude: [1]\n', 'x.yaml')).toThrow('must be a list of regular expressions');
  });
});

it('the speaker refuses to start on a bad exclusion file, naming it', async () => {
  const p = file('speaker-bad.yaml', 'announcedInterfacesToExclude: ["("]\n');
  await expect(startSpeaker({ node: 'n1', namespace: 'metallb-system', excludeInterfacesFile: p, kubeconfig: join(dir, 'no-kubeconfig') }))
    .rejects.toThrow(`interface exclusion file ${p}`);
});
