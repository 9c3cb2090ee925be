/**
 * Absolute path of the repository root, for tests that lint, build or pack the whole project.
 */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
