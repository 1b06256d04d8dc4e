// `npm run lint`: ESLint's and typescript-eslint's recommended rules, React's hooks rules, and
// the few type-aware rules that catch real bugs in async code (a promise nobody awaits, an
// async callback where a sync one is expected). No style rules: tsc and the code's own
// conventions (tabs, sindresorhus style) cover that.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import {defineConfig} from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig([
	{ignores: ['dist/', 'node_modules/', 'media/', 'test/interop/maven/']},
	js.configs.recommended,
	tseslint.configs.recommended,
	reactHooks.configs.flat.recommended,
	{
		files: ['**/*.ts', '**/*.tsx'],
		languageOptions: {
			parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
		},
		rules: {
			// node:test's test() returns a promise the runner awaits itself.
			'@typescript-eslint/no-floating-promises': ['error', {allowForKnownSafeCalls: [{from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite']}]}],
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
			// `const {fd, ...entry} = …` drops a field on purpose.
			'@typescript-eslint/no-unused-vars': ['error', {ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
			// A timer declared before the closure that clears it, assigned after.
			'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
			// `catch {}` around best-effort cleanup (a kill of a process that may be gone) is deliberate.
			'no-empty': ['error', {allowEmptyCatch: true}],
		},
	},
	{
		files: ['**/*.js'],
		languageOptions: {globals: {console: 'readonly', process: 'readonly'}},
	},
]);
