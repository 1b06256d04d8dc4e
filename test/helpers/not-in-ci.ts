// Ink decides at import whether it runs in CI (is-in-ci reads CI and CONTINUOUS_INTEGRATION once),
// and in CI it writes only the last frame. A test that renders Ink's real output onto a model
// terminal needs a live screen: import this module before anything that imports ink (ES modules
// run their imports in order). Each test file runs in its own process, so only that file is affected.
import process from 'node:process';

delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
