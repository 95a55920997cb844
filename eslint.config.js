// Import boundaries follow the runtimes (as VS Code does): common/ is shared by all; server/, sandbox/
// and main/ never import each other; `electron` values only under main/electron/ and preload/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectronValues = {
  name: 'electron',
  allowTypeImports: true,
  message: 'electron value imports belong in main/electron/ or preload/ only; inject Electron objects instead.',
};
const area = (name) => ({
  group: [`**/${name}`, `**/${name}/**`, `${name}/**`],
  message: `${name}/ runs elsewhere; share contracts through common/ instead.`,
});
const restrict = (...areas) => ({
  'no-restricted-imports': ['error', { paths: [noElectronValues], patterns: areas.map(area) }],
});
// The provider port: the provider-neutral parts of the server reach a provider through server/providers/port.ts
// and the registry, never through a provider's own folder (adding a provider is one folder plus one line in
// server/providers/available.ts).
const providerFolder = {
  group: ['**/providers/*', '!**/providers/port', '!**/providers/registry', '!**/providers/errors', '!**/providers/context', '**/providers/*/**'],
  message: 'billing/, checkouts/, licenses/, webhooks/, support/ and reconciliation/ reach providers only through server/providers/port.ts and the registry; a providers/<name>/ folder is that provider\'s own.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'data/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['common/**'], rules: restrict('server', 'sandbox', 'main', 'preload', 'renderer', 'test') },
  { files: ['server/**'], rules: restrict('sandbox', 'main', 'preload', 'renderer', 'test') },
  {
    files: ['server/billing/**', 'server/checkouts/**', 'server/licenses/**', 'server/webhooks/**', 'server/support/**', 'server/reconciliation/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectronValues], patterns: [...['sandbox', 'main', 'preload', 'renderer', 'test'].map(area), providerFolder] }] },
  },
  { files: ['sandbox/**'], rules: restrict('server', 'main', 'preload', 'renderer', 'test') },
  { files: ['main/**'], ignores: ['main/electron/**'], rules: restrict('server', 'sandbox', 'renderer', 'test') },
  { files: ['main/electron/**', 'preload/**'], rules: { 'no-restricted-imports': ['error', { patterns: ['server', 'sandbox', 'renderer', 'test'].map(area) }] } },
  { files: ['renderer/**'], rules: restrict('server', 'sandbox', 'main', 'test') },
  // The support console runs in staff's browsers and talks to the server only through the HTTP API.
  { files: ['support-console/**'], rules: restrict('server', 'sandbox', 'main', 'preload', 'renderer', 'test') },
  // launch/ starts things together (the server with the embedded sandbox, the app's browser preview with its
  // plain-Node core): the one place they meet. It still may not import electron values.
  { files: ['launch/**'], rules: restrict('preload', 'renderer', 'test') },
);
