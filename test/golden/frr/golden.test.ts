// Golden files: the rendered frr.conf per scenario. UPDATE_GOLDEN=1 rewrites them; review the diff
// like code.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '../../../src/frr/frr-conf.js';
import { scenarios } from './scenarios.js';

const dir = join(process.cwd(), 'test', 'golden', 'frr');

describe('frr.conf golden files', () => {
  for (const [name, intent] of Object.entries(scenarios)) {
    it(name, () => {
      const text = render(intent);
      const file = join(dir, `${name}.conf`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
