'use strict';
/**
 * Starts yaml-language-server with its 200 ms validation debounce removed. The delay (`validationDelayMs`) is not a
 * setting; without this the comparison would time yaml-language-server's timer rather than its validation.
 * Usage: node test/bench/yls-no-debounce.js --stdio
 */
const { SettingsState } = require('yaml-language-server/out/server/src/yamlSettings');

Object.defineProperty(SettingsState.prototype, 'validationDelayMs', {
  get: () => 0,
  set: () => undefined,
  configurable: true,
});
process.env.YAML_LANGUAGE_SERVER_VERSION = require('yaml-language-server/package.json').version;
require('yaml-language-server/out/server/src/server.js');
