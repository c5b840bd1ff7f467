// The botgen extension: .bot files are coloured by the TextMate grammar
// (syntaxes/bot.tmLanguage.json, declared in package.json); everything else
// comes from `botgen lsp`, which this starts over standard input and output.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function newClient() {
  const command = vscode.workspace.getConfiguration('botgen').get('path') || 'botgen';
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  // The client reads the setting botgen.trace.server itself, from its id.
  return new LanguageClient('botgen', 'botgen', { run, debug: run }, {
    documentSelector: [
      { scheme: 'file', language: 'bot' },
      { scheme: 'untitled', language: 'bot' },
    ],
  });
}

async function start() {
  client = newClient();
  try {
    await client.start();
  } catch (err) {
    const command = vscode.workspace.getConfiguration('botgen').get('path') || 'botgen';
    vscode.window.showErrorMessage(
      `botgen: cannot start "${command} lsp" (${err.message || err}). Install botgen or set botgen.path.`);
  }
}

async function stop() {
  const c = client;
  client = undefined;
  if (c && c.isRunning()) {
    await c.stop();
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('botgen.restartServer', async () => {
      await stop();
      await start();
    }),
    // A new path takes effect at once, not at the next start of VS Code.
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('botgen.path')) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
