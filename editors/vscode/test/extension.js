// Loads extension.js with stand-ins for VS Code and its language client,
// and checks what it asks of them: `botgen lsp` from botgen.path over
// standard input and output for .bot files, a new server when the path
// changes or on the restart command, an error message when it cannot start.
// editors/vscode_test.go runs it: node test/extension.js
'use strict';

const assert = require('assert');
const Module = require('module');
const path = require('path');

const settings = { path: 'botgen' };
const clients = [];
const commands = {};
const errors = [];
const onConfig = [];
const disposable = { dispose() {} };

const vscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.strictEqual(section, 'botgen');
      return { get: (key) => settings[key] };
    },
    onDidChangeConfiguration: (f) => {
      onConfig.push(f);
      return disposable;
    },
  },
  window: { showErrorMessage: (m) => errors.push(m) },
  commands: {
    registerCommand: (id, f) => {
      commands[id] = f;
      return disposable;
    },
  },
};

class LanguageClient {
  constructor(id, name, server, options) {
    Object.assign(this, { id, name, server, options, running: false });
    clients.push(this);
  }
  async start() {
    if (this.server.run.command === 'missing') {
      throw new Error('spawn missing ENOENT');
    }
    this.running = true;
  }
  isRunning() {
    return this.running;
  }
  async stop() {
    this.running = false;
  }
}

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') {
    return vscode;
  }
  if (request === 'vscode-languageclient/node') {
    return { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };
  }
  return load.call(this, request, ...rest);
};

async function changePath(p) {
  settings.path = p;
  for (const f of onConfig) {
    await f({ affectsConfiguration: (s) => s === 'botgen.path' || s === 'botgen' });
  }
}

async function main() {
  const ext = require(path.join(__dirname, '..', 'extension.js'));
  const context = { subscriptions: [] };
  await ext.activate(context);

  assert.strictEqual(clients.length, 1);
  const first = clients[0];
  // The id names the trace setting the client reads: botgen.trace.server.
  assert.strictEqual(first.id, 'botgen');
  assert.deepStrictEqual(first.server.run, { command: 'botgen', args: ['lsp'], transport: 0 });
  assert.ok(first.options.documentSelector.some((s) => s.language === 'bot' && s.scheme === 'file'));
  assert.ok(first.running);
  assert.ok(commands['botgen.restartServer']);
  assert.ok(context.subscriptions.length >= 2);

  await changePath('/opt/botgen/bin/botgen');
  assert.strictEqual(clients.length, 2);
  assert.ok(!first.running, 'the old server is stopped');
  assert.strictEqual(clients[1].server.run.command, '/opt/botgen/bin/botgen');
  assert.ok(clients[1].running);

  await commands['botgen.restartServer']();
  assert.strictEqual(clients.length, 3);
  assert.ok(!clients[1].running && clients[2].running);

  await changePath('missing');
  assert.strictEqual(errors.length, 1);
  assert.match(errors[0], /botgen\.path/);

  await changePath('');
  assert.strictEqual(clients[clients.length - 1].server.run.command, 'botgen', 'an empty path is botgen');

  await ext.deactivate();
  assert.ok(clients.every((c) => !c.running));
}

main().catch((e) => {
  console.log(e.stack || String(e));
  process.exitCode = 1;
});
