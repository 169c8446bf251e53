import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The pure core does no I/O: these modules may not be imported there.
const ioModules = ['fs', 'fs/promises', 'child_process', 'net', 'dgram', 'http', 'https', 'os', 'execa', 'chokidar',
  '@kubernetes/client-node', 'prom-client', 'pino'];
const ioPatterns = ioModules.flatMap((m) => [m, `node:${m}`]);
const pureCore = ['src/api/**', 'src/config/**', 'src/allocator/**', 'src/bgp/**', 'src/layer2/election/**',
  'src/layer2/frames/**', 'src/frr/render/**',
  'src/layer2/membership/state.ts', 'src/layer2/membership/wire.ts', 'src/layer2/membership/replay.ts',
  'src/layer2/membership/gossip-queue.ts', 'src/layer2/membership/timings.ts', 'src/speaker/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', '.tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: pureCore,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioPatterns.map((name) => ({ name, message: 'the pure core does no I/O; do it in an edge module' })) }],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
