// Strict TypeScript lint with folder boundaries: the server never imports `vscode`; the client imports only the
// server's protocol module; the domain folders below the LSP layer never import it (server/src/lsp/, the per-root
// state in server/src/workspace/, vscode-languageserver/node). test/unit/fences.test.ts proves the fences bite.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const serverPaths = [{ name: 'vscode', message: 'The server must not depend on VS Code.' }];
const serverPatterns = [{ group: ['**/client/**'], message: 'The server must not import client code.' }];

/** Folders that hold the domain: pure of LSP wiring, usable by the CLI and tests alike. */
export const DOMAIN_FOLDERS = ['kayron', 'yaml', 'schema', 'features', 'github', 'environments', 'promotion', 'plan'];
/**
 * Per domain folder, the folders above it. kayron/ and yaml/ are one level (Kayron's loader and its goccy-compatible
 * decoder share the Problem type); plan/ reads GitHub through promotion/github-api.ts, the one exception.
 */
export const FOLDERS_ABOVE = {
  kayron: ['schema', 'github', 'features', 'environments', 'plan', 'promotion'],
  yaml: ['schema', 'github', 'features', 'environments', 'plan', 'promotion'],
  schema: ['github', 'features', 'environments', 'plan', 'promotion'],
  github: ['schema', 'features', 'environments', 'plan', 'promotion'],
  features: ['environments', 'plan', 'promotion'],
  environments: ['plan', 'promotion'],
  plan: ['promotion/(?!github-api$)[^/]+'],
  promotion: [],
};
const belowLspLayer = {
  paths: [
    ...serverPaths,
    {
      name: 'vscode-languageserver/node',
      message: 'Domain code does not know the connection: LSP types come from vscode-languageserver or -types.',
    },
  ],
  patterns: [
    ...serverPatterns,
    {
      regex: '(^|/)(lsp|workspace)(/|$)',
      message:
        'Domain code never imports the LSP layer (server/src/lsp/, server/src/workspace/): pass what it needs in.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-e2e/**',
      '.vscode-test/**',
      'test-results/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { paths: serverPaths, patterns: serverPatterns }],
    },
  },
  // The direction between domain folders, lowest first; a folder never imports one above it, so there is no cycle.
  ...Object.entries(FOLDERS_ABOVE).map(([folder, above]) => ({
    files: [`server/src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: belowLspLayer.paths,
          patterns: [
            ...belowLspLayer.patterns,
            ...(above.length > 0
              ? [
                  {
                    regex: `^\\.\\./(${above.join('|')})(/|$)`,
                    message: `${folder}/ sits below ${above.join(', ')} (README, Architecture): no imports upwards.`,
                  },
                ]
              : []),
          ],
        },
      ],
    },
  })),
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./server/src/(?!protocol$)',
              message: 'The client may import only server/src/protocol.ts from the server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
