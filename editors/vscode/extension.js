// VS Code client for the katafilter language server.
//
// Plain CommonJS, no build step: VS Code loads this file as package.json's
// "main". It starts `<katafilter.path> lsp` over stdio for documents of the
// language "katafilter" (*.kfl) and, with katafilter.ruleFiles (the default),
// for YAML and JSON files, whose filter values it serves next to the YAML and
// JSON extensions. It passes the settings katafilter.schemaFile,
// katafilter.ignoreCase and katafilter.strict as initializationOptions
// {schemaFile, ignoreCase, strict}. Changing any of them restarts the server.
'use strict';

const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const LANGUAGE_ID = 'katafilter';
const SECTION = 'katafilter';
const RESTART_SETTINGS = ['path', 'schemaFile', 'ignoreCase', 'strict', 'ruleFiles'];
// Rule files: the server answers inside their filter values only.
const RULE_LANGUAGES = ['yaml', 'json'];
const INSTALL_HINT = 'go install github.com/katafilter/katafilter/cmd/katafilter@latest';

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let outputChannel;

function firstWorkspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

// expandPath expands a leading ~ and ${workspaceFolder}, and resolves a
// relative path against the first workspace folder.
function expandPath(p) {
  if (!p) {
    return '';
  }
  const folder = firstWorkspaceFolder();
  let out = p;
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  if (folder) {
    out = out.split('${workspaceFolder}').join(folder);
    if (!path.isAbsolute(out)) {
      out = path.resolve(folder, out);
    }
  }
  return out;
}

// resolveCommand returns the server binary. A bare name ("katafilter") is
// left for the operating system to find on PATH; a path is expanded.
function resolveCommand(setting) {
  const p = (setting || '').trim() || 'katafilter';
  if (!p.includes('/') && !p.includes('\\') && !p.startsWith('~')) {
    return p;
  }
  return expandPath(p);
}

/** Reads the settings the server is started with. */
function readSettings() {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return {
    command: resolveCommand(cfg.get('path', 'katafilter')),
    ruleFiles: Boolean(cfg.get('ruleFiles', true)),
    initializationOptions: {
      schemaFile: expandPath(cfg.get('schemaFile', '')),
      ignoreCase: Boolean(cfg.get('ignoreCase', false)),
      strict: Boolean(cfg.get('strict', false)),
    },
  };
}

function createClient(settings) {
  const executable = {
    command: settings.command,
    args: ['lsp'],
    transport: TransportKind.stdio,
  };
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = { run: executable, debug: executable };
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
      ...(settings.ruleFiles ? RULE_LANGUAGES.map((language) => ({ scheme: 'file', language })) : []),
    ],
    initializationOptions: settings.initializationOptions,
    outputChannel,
  };
  // The id 'katafilter' makes the client honour the katafilter.trace.server setting.
  return new LanguageClient(SECTION, 'KATA Filter Language Server', serverOptions, clientOptions);
}

async function startClient() {
  const settings = readSettings();
  client = createClient(settings);
  try {
    await client.start();
  } catch (err) {
    const message = err && err.message ? err.message : String(err);
    client = undefined;
    vscode.window.showErrorMessage(
      `KATA Filter: could not start "${settings.command} lsp" (${message}). ` +
        `Install the binary with \`${INSTALL_HINT}\` or set katafilter.path.`
    );
  }
}

async function stopClient() {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      // The server may already be gone; nothing more to do.
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('KATA Filter');
  context.subscriptions.push(outputChannel);
  context.subscriptions.push(vscode.commands.registerCommand('katafilter.restartServer', restartClient));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(`${SECTION}.${s}`))) {
        restartClient();
      }
    })
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = {
  activate,
  deactivate,
  // For tests.
  _internal: { readSettings, resolveCommand, expandPath, getClient: () => client },
};
