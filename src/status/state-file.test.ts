import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateFile } from './state-file.js';

describe('StateFile', () => {
  it('round-trips assignments and survives a fresh instance (restart)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtstate-'));
    const a = new StateFile(dir);
    expect(await a.read()).toEqual({});
    expect(await a.write({ 'ns/b': { ips: ['192.0.2.2'], pool: 'p' }, 'ns/a': { ips: ['192.0.2.1'], pool: 'p' } })).toBe(true);
    expect(await a.write({ 'ns/a': { ips: ['192.0.2.1'], pool: 'p' }, 'ns/b': { ips: ['192.0.2.2'], pool: 'p' } })).toBe(false);
    const b = new StateFile(dir);
    expect(await b.read()).toEqual({ 'ns/a': { ips: ['192.0.2.1'], pool: 'p' }, 'ns/b': { ips: ['192.0.2.2'], pool: 'p' } });
    expect(Object.keys(JSON.parse(await readFile(a.path, 'utf8')).assignments)).toEqual(['ns/a', 'ns/b']);
  });
  it('refuses a file that is not a state file rather than starting empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtstate-'));
    await writeFile(join(dir, 'assignments.json'), '{"hello":1}');
    await expect(new StateFile(dir).read()).rejects.toThrow(/not a metallb-ts state file/);
  });
});
