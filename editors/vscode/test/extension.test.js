// Loads extension.js with stand-ins for the `vscode` API and
// vscode-languageclient, and checks what it would start: `<path> lsp` over
// stdio with initializationOptions {schemaFile, ignoreCase, strict}.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const pkg = require('../package.json');

function setup(settings, folder = path.join(os.tmpdir(), 'ws')) {
  const created = [];
  const errors = [];
  const commands = {};
  let configListener;
  const fakeVscode = {
    workspace: {
      workspaceFolders: folder ? [{ uri: { fsPath: folder } }] : undefined,
      getConfiguration(section) {
        assert.equal(section, 'katafilter');
        return { get: (key, dflt) => (key in settings ? settings[key] : dflt) };
      },
      onDidChangeConfiguration(fn) {
        configListener = fn;
        return { dispose() {} };
      },
    },
    window: {
      createOutputChannel: (name) => ({ name, dispose() {} }),
      showErrorMessage: (msg) => errors.push(msg),
    },
    commands: {
      registerCommand(id, fn) {
        commands[id] = fn;
        return { dispose() {} };
      },
    },
  };
  class FakeLanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: 0, stopped: 0 });
      created.push(this);
    }
    async start() {
      this.started++;
      if (settings.failStart) {
        throw new Error('spawn katafilter ENOENT');
      }
    }
    async stop() {
      this.stopped++;
    }
  }
  const fakeClientLib = { LanguageClient: FakeLanguageClient, TransportKind: { stdio: 0, ipc: 1 } };

  const extPath = require.resolve('../extension.js');
  delete require.cache[extPath];
  const origLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return fakeVscode;
    if (request === 'vscode-languageclient/node') return fakeClientLib;
    return origLoad.call(this, request, parent, isMain);
  };
  let ext;
  try {
    ext = require(extPath);
  } finally {
    Module._load = origLoad;
  }
  const context = { subscriptions: [] };
  return { ext, context, created, errors, commands, fireConfig: (e) => configListener(e) };
}

test('activate starts `katafilter lsp` over stdio with the settings as initializationOptions', async () => {
  const ws = path.join(os.tmpdir(), 'ws');
  const s = setup({ path: 'katafilter', schemaFile: 'schemas/extra.json', ignoreCase: true, strict: true }, ws);
  await s.ext.activate(s.context);
  assert.equal(s.created.length, 1);
  const c = s.created[0];
  assert.equal(c.id, 'katafilter');
  assert.equal(c.started, 1);
  for (const mode of ['run', 'debug']) {
    assert.deepEqual(c.serverOptions[mode], { command: 'katafilter', args: ['lsp'], transport: 0 });
  }
  assert.deepEqual(c.clientOptions.initializationOptions, {
    schemaFile: path.join(ws, 'schemas', 'extra.json'),
    ignoreCase: true,
    strict: true,
  });
  assert.deepEqual(
    c.clientOptions.documentSelector.map((d) => d.language),
    ['katafilter', 'katafilter', 'yaml', 'json']
  );
  assert.ok(s.commands['katafilter.restartServer']);
  assert.equal(s.errors.length, 0);
  await s.ext.deactivate();
  assert.equal(c.stopped, 1);
});

test('katafilter.ruleFiles false leaves YAML and JSON files to their own servers', async () => {
  const s = setup({ ruleFiles: false });
  await s.ext.activate(s.context);
  assert.deepEqual(s.created[0].clientOptions.documentSelector.map((d) => d.language), ['katafilter', 'katafilter']);
  await s.ext.deactivate();
});

test('defaults: empty schemaFile, false flags', async () => {
  const s = setup({});
  await s.ext.activate(s.context);
  const c = s.created[0];
  assert.equal(c.serverOptions.run.command, 'katafilter');
  assert.deepEqual(c.clientOptions.initializationOptions, { schemaFile: '', ignoreCase: false, strict: false });
  await s.ext.deactivate();
});

test('a path setting is expanded; a bare name is left to PATH', () => {
  const ws = path.join(os.tmpdir(), 'ws');
  const s = setup({}, ws);
  const { resolveCommand } = s.ext._internal;
  assert.equal(resolveCommand('katafilter'), 'katafilter');
  assert.equal(resolveCommand(''), 'katafilter');
  assert.equal(resolveCommand('./bin/katafilter'), path.join(ws, 'bin', 'katafilter'));
  assert.equal(resolveCommand('${workspaceFolder}/katafilter'), path.join(ws, 'katafilter'));
  assert.equal(resolveCommand('~/go/bin/katafilter'), path.join(os.homedir(), 'go', 'bin', 'katafilter'));
  assert.equal(resolveCommand('/usr/local/bin/katafilter'), '/usr/local/bin/katafilter');
});

test('changing a server setting restarts the server; other settings do not', async () => {
  const s = setup({});
  await s.ext.activate(s.context);
  s.fireConfig({ affectsConfiguration: (k) => k === 'editor.fontSize' });
  await new Promise((r) => setImmediate(r));
  assert.equal(s.created.length, 1);
  s.fireConfig({ affectsConfiguration: (k) => k === 'katafilter.strict' });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(s.created.length, 2);
  assert.equal(s.created[0].stopped, 1);
  assert.equal(s.created[1].started, 1);
  await s.ext.deactivate();
});

test('a missing binary gives one error message naming the install command', async () => {
  const s = setup({ failStart: true });
  await s.ext.activate(s.context);
  assert.equal(s.errors.length, 1);
  assert.match(s.errors[0], /go install github\.com\/katafilter\/katafilter\/cmd\/katafilter@latest/);
  assert.equal(s.ext._internal.getClient(), undefined);
  await s.ext.deactivate();
});

test('package.json settings match what extension.js reads', () => {
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['katafilter.path'].default, 'katafilter');
  assert.equal(props['katafilter.schemaFile'].type, 'string');
  assert.equal(props['katafilter.ignoreCase'].type, 'boolean');
  assert.equal(props['katafilter.strict'].type, 'boolean');
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command), ['katafilter.restartServer']);
});

test('the real vscode-languageclient/node exports what extension.js uses', () => {
  // vscode-languageclient needs the `vscode` module at load time; a proxy
  // that answers every property with a dummy function stands in for it.
  const handler = { get: (t, k) => (k === '__esModule' ? false : (t[k] ??= new Proxy(function () {}, handler))) };
  const fakeVscode = new Proxy({}, handler);
  const origLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return fakeVscode;
    return origLoad.call(this, request, parent, isMain);
  };
  try {
    const lc = require('vscode-languageclient/node');
    assert.equal(typeof lc.LanguageClient, 'function');
    assert.equal(typeof lc.TransportKind.stdio, 'number');
  } finally {
    Module._load = origLoad;
  }
});
