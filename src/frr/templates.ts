// Reads the frr.conf templates from templates/ once (edge: file I/O). Works from the sources (jest)
// and from dist/ because it looks for the folder upwards from this module.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSources } from './render/text.js';

function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates', 'frr.conf.hbs');
    if (existsSync(candidate)) return join(dir, 'templates');
    dir = dirname(dir);
  }
  throw new Error('templates/frr.conf.hbs not found above ' + dirname(fileURLToPath(import.meta.url)));
}

let cached: TemplateSources | undefined;

export function loadTemplates(): TemplateSources {
  if (!cached) {
    const dir = templatesDir();
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    cached = {
      main: read('frr.conf.hbs'),
      partials: { router: read('router.hbs'), routemap: read('routemap.hbs'), bfd: read('bfd.hbs') },
    };
  }
  return cached;
}
