// A small rule set that catches what review kept finding: duplicate imports, imports after code,
// and promises nobody awaits (a lost error in a server or a batch run).
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'bench/out/**', 'coverage/**', '.data/**', 'web/dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    rules: {
      'import-x/no-duplicates': ['error', { 'prefer-inline': false }],
      'import-x/first': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
);
