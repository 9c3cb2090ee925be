// ESLint flat config for proxy-core, main and renderer, including the layering rule of house
// style B2. The layering rule is plain no-restricted-imports / no-restricted-globals /
// no-restricted-syntax, one block per folder; LAYERS below is the single place that says which
// folder may import what. test/unit/repo/layering.test.ts pins every restriction.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const CODE = '{ts,mts,cts,js,mjs,cjs,svelte}';

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NODE_BUILTIN_RE = `^(node:.*|(${builtinModules.map(escapeRegex).join('|')})(/.*)?)$`;
const ELECTRON_RE = '^electron(/.*)?$';
const ELECTRON_MESSAGE =
  'electron is imported only in main/src/{main,ipc,preload}.ts (house style B2).';
// Top-level folder names are reserved: `../../main/x` is taken to mean the main package. No
// package folder uses these names for a subfolder.
const upTo = (folder) => `^(\\.\\./)+${folder}(/|$)|^@perlbal-desktop/${folder}(/|$)`;

/*
 * A constraint is a set of restrictions; a folder's block merges the constraints that apply to
 * it. Flat config replaces (never merges) a rule's options when two blocks match one file, so
 * every block must carry the full set for its folder: that is why blocks are generated.
 */
const noElectron = {
  patterns: [{ regex: ELECTRON_RE, message: ELECTRON_MESSAGE }],
  dynamic: [{ regex: ELECTRON_RE, message: ELECTRON_MESSAGE }],
};
// Type-only imports are erased at build time, so plain main modules may still type their
// option objects against Electron's definitions (window-options.ts does).
const noElectronValues = {
  patterns: [{ regex: ELECTRON_RE, message: ELECTRON_MESSAGE, allowTypeImports: true }],
  dynamic: noElectron.dynamic,
};
const NODE_BUILTIN_MESSAGE = 'Node built-ins are not available here (house style B2).';
const noNodeBuiltins = {
  patterns: [{ regex: NODE_BUILTIN_RE, message: NODE_BUILTIN_MESSAGE }],
  dynamic: [{ regex: NODE_BUILTIN_RE, message: NODE_BUILTIN_MESSAGE }],
};
const coreStaysBelowTheApp = {
  patterns: [
    {
      regex: `${upTo('main')}|${upTo('renderer')}`,
      message: 'proxy-core never imports main/ or renderer/ (house style B2).',
    },
  ],
};
// main reaches the core through its public entry (proxy-core/src/index.ts, or the package name).
// `import type` from common/ is also allowed: it is the renderer-facing contract (api.ts, errors.ts),
// erased at build time, and the public entry need not re-export every type of it.
const mainUsesCoreEntry = {
  patterns: [
    {
      regex: '(^|/)proxy-core/src/common/',
      allowTypeImports: true,
      message:
        'main imports values from proxy-core only through proxy-core/src/index.ts; `import type` from common/ is fine.',
    },
    {
      regex: '(^|/)proxy-core/(?!src/common/|src/index(\\.[jt]s)?$)',
      message:
        'main imports proxy-core only through its public entry proxy-core/src/index.ts (house style B2).',
    },
    { regex: upTo('renderer'), message: 'main never imports renderer/ (house style B2).' },
  ],
};
const rendererUsesCommonOnly = {
  patterns: [
    {
      regex: '(^|/)proxy-core(/(?!src/common/).*)?$',
      message: 'renderer may import only proxy-core/src/common/** (house style B2).',
    },
    { regex: upTo('main'), message: 'renderer never imports main/ (house style B2).' },
  ],
};
// The rule reads specifiers literally, so `x/../../node/y` must not be able to hide a path.
const normalizedSpecifiers = {
  patterns: [
    {
      regex: '^\\./\\.\\.(/|$)|/\\.(/|$)|(^|/)(?!\\.\\.?(/|$))[^/]+/\\.\\.(/|$)',
      message:
        'Write relative imports in normal form (no "./..", "a/../b" or "/./"): the layering rule reads them literally.',
    },
  ],
};
const NODE_GLOBALS = [
  'Buffer',
  'process',
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
  'clearImmediate',
];
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'XMLHttpRequest',
];
const noNodeGlobals = (where) => ({
  globals: NODE_GLOBALS.map((name) => ({
    name,
    message: `${name} is Node-only; ${where} (house style B2). Use Uint8Array for bytes.`,
  })),
});
const noDomGlobals = {
  globals: DOM_GLOBALS.map((name) => ({
    name,
    message: `${name} is DOM-only; proxy-core/src/common runs in Node and in the renderer (house style B2).`,
  })),
};
// common/ is loaded statically by both runtimes: a dynamic import would hide a dependency.
const noDynamicImport = {
  syntax: [
    {
      selector: 'ImportExpression',
      message: 'No dynamic import() in proxy-core/src/common (house style B2).',
    },
  ],
};
// common/ at `depth` folders below proxy-core/src/common: relative imports only, never above common/.
const staysInCommon = (depth) => ({
  patterns: [
    {
      regex: '^[^.]',
      message:
        'proxy-core/src/common imports only relative paths inside common/ (no packages, no node:*, no electron).',
    },
    {
      regex: `^(\\.\\./){${depth}}\\.\\.(/|$)`,
      message: 'proxy-core/src/common imports only from inside common/ (house style B2).',
    },
  ],
});

// Runtime plugins at `depth` folders below proxy-core/src/node/plugins (house style B5): the
// core only through plugins/plugin-api.ts. Other plugin modules, common/ (pure: the config
// slices and the palimg transform) and node:* stay open; see docs/architecture.md.
const PLUGIN_API_MESSAGE =
  'A plugin imports the core only through proxy-core/src/node/plugins/plugin-api.ts (house style B5); re-export what it needs there.';
const pluginsUsePluginApi = (depth) => ({
  patterns: [
    // `(../){depth+1}` is node/: anything there but going on up to common/.
    { regex: `^(\\.\\./){${depth + 1}}(?!\\.\\./)`, message: PLUGIN_API_MESSAGE },
    // `(../){depth+2}` is src/: only common/ (not index.ts, not bin/ above it).
    { regex: `^(\\.\\./){${depth + 2}}(?!common/)`, message: PLUGIN_API_MESSAGE },
  ],
});

/** One flat-config block enforcing `constraints` on `files`. */
function layer(name, files, ...constraints) {
  const patterns = constraints.flatMap((c) => c.patterns ?? []);
  const restrictedGlobals = constraints.flatMap((c) => c.globals ?? []);
  const dynamic = constraints.flatMap((c) => c.dynamic ?? []);
  // no-restricted-imports cannot see import() or require(); catch literal ones here. esquery
  // regex literals end at the first "/", so slashes are spelled \x2F.
  const syntax = [
    ...constraints.flatMap((c) => c.syntax ?? []),
    ...dynamic.flatMap(({ regex, message }) => {
      const lit = `/${regex.replaceAll('/', '\\x2F')}/`;
      return [
        { selector: `ImportExpression[source.value=${lit}]`, message },
        { selector: `CallExpression[callee.name="require"][arguments.0.value=${lit}]`, message },
      ];
    }),
  ];
  // Every block sets all three rules, even when empty, so a more specific block never inherits
  // a restriction from a broader one it is meant to relax (main-electron after main).
  const rules = {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
    'no-restricted-globals': restrictedGlobals.length > 0 ? ['error', ...restrictedGlobals] : 'off',
    'no-restricted-syntax': syntax.length > 0 ? ['error', ...syntax] : 'off',
  };
  return { name: `perlbal/layering/${name}`, files, rules };
}

const COMMON_MAX_DEPTH = 12;
const PLUGINS_MAX_DEPTH = 3;
const ELECTRON_FILES = ['main/src/main.ts', 'main/src/ipc.ts', 'main/src/preload.ts'];

// Order matters: later blocks replace earlier ones for the files they match.
const LAYERS = [
  layer(
    'proxy-core',
    [`proxy-core/**/*.${CODE}`],
    noElectron,
    coreStaysBelowTheApp,
    normalizedSpecifiers,
  ),
  ...Array.from({ length: COMMON_MAX_DEPTH + 1 }, (_, depth) =>
    layer(
      `proxy-core-common-${depth}`,
      [`proxy-core/src/common/${'*/'.repeat(depth)}*.${CODE}`],
      noElectron,
      coreStaysBelowTheApp,
      normalizedSpecifiers,
      staysInCommon(depth),
      noNodeGlobals('proxy-core/src/common also runs in the renderer'),
      noDomGlobals,
      noDynamicImport,
    ),
  ),
  {
    // A hole would be silent, so say so instead.
    name: 'perlbal/layering/proxy-core-common-too-deep',
    files: [`proxy-core/src/common/${'*/'.repeat(COMMON_MAX_DEPTH + 1)}**/*.${CODE}`],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program',
          message: `Nest common/ at most ${COMMON_MAX_DEPTH} folders deep: the layering rule checks no deeper.`,
        },
      ],
    },
  },
  ...Array.from({ length: PLUGINS_MAX_DEPTH + 1 }, (_, depth) =>
    layer(
      `proxy-core-plugins-${depth}`,
      [`proxy-core/src/node/plugins/${'*/'.repeat(depth)}*.${CODE}`],
      noElectron,
      coreStaysBelowTheApp,
      normalizedSpecifiers,
      pluginsUsePluginApi(depth),
    ),
  ),
  // The gateway itself re-exports the core.
  layer(
    'proxy-core-plugin-api',
    ['proxy-core/src/node/plugins/plugin-api.ts'],
    noElectron,
    coreStaysBelowTheApp,
    normalizedSpecifiers,
  ),
  {
    name: 'perlbal/layering/proxy-core-plugins-too-deep',
    files: [`proxy-core/src/node/plugins/${'*/'.repeat(PLUGINS_MAX_DEPTH + 1)}**/*.${CODE}`],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program',
          message: `Nest plugins/ at most ${PLUGINS_MAX_DEPTH} folders deep: the layering rule checks no deeper.`,
        },
      ],
    },
  },
  layer('main', [`main/**/*.${CODE}`], noElectronValues, mainUsesCoreEntry, normalizedSpecifiers),
  layer('main-electron', ELECTRON_FILES, mainUsesCoreEntry, normalizedSpecifiers),
  layer(
    'renderer',
    [`renderer/**/*.${CODE}`],
    noNodeBuiltins,
    noElectron,
    rendererUsesCommonOnly,
    normalizedSpecifiers,
    noNodeGlobals('the renderer is a browser page'),
  ),
];

export default defineConfig(
  {
    name: 'perlbal/ignores',
    ignores: [
      '**/node_modules/',
      'out/',
      'dist/',
      'proxy-core/dist/',
      'renderer/dist/',
      'test-results/',
      'bench/results/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    name: 'perlbal/node-globals',
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
  },
  {
    name: 'perlbal/renderer-globals',
    files: [`renderer/**/*.${CODE}`],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    name: 'perlbal/svelte-typescript',
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    name: 'perlbal/rules',
    rules: {
      // Flags `let x: T[] = []; try { x = f() } catch { ... }`, an idiom TypeScript code uses for
      // definite assignment; a dead store here is not the kind of bug worth the noise.
      'no-useless-assignment': 'off',
      // `_name` marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    name: 'perlbal/typescript-files',
    files: ['**/*.{ts,mts,cts,svelte}'],
    // TypeScript itself reports undefined names, with better knowledge of types and globals.
    rules: { 'no-undef': 'off' },
  },
  ...LAYERS,
);
