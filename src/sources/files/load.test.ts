import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaths } from './load.js';

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;

describe('loadPaths', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metallb-ts-load-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'b.yaml'), ns('b'));
    await writeFile(join(dir, 'a.yml'), ns('a'));
    await writeFile(join(dir, 'sub', 'c.yaml'), ns('c'));
    await writeFile(join(dir, 'notes.txt'), ns('ignored'));
    await writeFile(join(dir, 'bad.yaml'), 'kind: [\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('folders: recursive, *.yaml and *.yml only, sorted', async () => {
    const r = await loadPaths([dir]);
    expect(r.snapshot.namespaces.map((n) => n.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(`${join(dir, 'bad.yaml')}:`);
  });

  test('a mounted ConfigMap (..data symlinks) is read once', async () => {
    const cm = join(dir, 'cm');
    await mkdir(join(cm, '..2026_11_27_12_00_00.1'), { recursive: true });
    await writeFile(join(cm, '..2026_11_27_12_00_00.1', 'ns.yaml'), ns('mounted'));
    await symlink('..2026_11_27_12_00_00.1', join(cm, '..data'));
    await symlink(join('..data', 'ns.yaml'), join(cm, 'ns.yaml'));
    const r = await loadPaths([cm]);
    expect(r.errors).toEqual([]);
    expect(r.snapshot.namespaces.map((n) => n.metadata.name)).toEqual(['mounted']);
  });

  test('a file named explicitly is read whatever its extension; a missing path is an error', async () => {
    const r = await loadPaths([join(dir, 'notes.txt'), join(dir, 'missing.yaml')]);
    expect(r.snapshot.namespaces.map((n) => n.metadata.name)).toEqual(['ignored']);
    expect(r.errors).toEqual([`${join(dir, 'missing.yaml')}: no such file or directory`]);
  });
});
