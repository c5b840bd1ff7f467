// Tokenises .bot files with the extension's TextMate grammar, as VS Code
// does (vscode-textmate with the Oniguruma engine), and checks the scopes of
// chosen tokens. editors/vscode_test.go writes the checks, from the Go
// lexer and parser, and runs this script: node test/tokenize.js CHECKS.json
//
// CHECKS.json: {"files": [{"name", "text", "checks": [{"line", "col",
// "text", "want": [prefix...], "not": [prefix...]}]}]}, lines and columns
// from 0, columns in UTF-16 code units. The token at (line, col) must have a
// scope starting with one of want (when given) and none starting with one of
// not. Failures go to standard output, one a line; the exit status is 1 when
// there is any.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');
const grammarPath = path.join(root, 'syntaxes', 'bot.tmLanguage.json');

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const wasm = fs.readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onigLib = Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  });
  const failures = [];

  // vscode-textmate compiles a rule's regular expressions only when it
  // reaches the rule: compile every one here, so that a rule no file reaches
  // cannot hide a broken pattern.
  const raw = fs.readFileSync(grammarPath, 'utf8');
  (function walk(node, where) {
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${where}[${i}]`));
      return;
    }
    if (node === null || typeof node !== 'object') {
      return;
    }
    for (const key of ['match', 'begin', 'end', 'while']) {
      if (typeof node[key] === 'string') {
        try {
          new oniguruma.OnigScanner([node[key]]).dispose();
        } catch (e) {
          failures.push(`grammar ${where}.${key}: ${e.message}`);
        }
      }
    }
    for (const [k, v] of Object.entries(node)) {
      walk(v, `${where}.${k}`);
    }
  })(JSON.parse(raw), 'grammar');

  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scope) => (scope === 'source.bot' ? vsctm.parseRawGrammar(raw, grammarPath) : null),
  });
  const grammar = await registry.loadGrammar('source.bot');

  for (const file of spec.files) {
    const lines = file.text.split('\n');
    const tokens = [];
    let stack = vsctm.INITIAL;
    lines.forEach((line) => {
      const r = grammar.tokenizeLine(line, stack);
      tokens.push(r.tokens);
      stack = r.ruleStack;
    });
    for (const c of file.checks || []) {
      const where = `${file.name}:${c.line + 1}:${c.col + 1}: ${JSON.stringify(c.text)}`;
      const tok = (tokens[c.line] || []).find((t) => t.startIndex <= c.col && c.col < t.endIndex);
      if (!tok) {
        failures.push(`${where}: no token there`);
        continue;
      }
      const has = (prefix) => tok.scopes.some((s) => s.startsWith(prefix));
      const got = tok.scopes.join(' ');
      if (c.want && c.want.length && !c.want.some(has)) {
        failures.push(`${where}: scopes ${got}, want one of ${c.want.join(', ')}`);
      }
      for (const p of c.not || []) {
        if (has(p)) {
          failures.push(`${where}: scopes ${got}, none ${p}* wanted`);
        }
      }
    }
    if (process.env.BOTGEN_DUMP_TOKENS) {
      tokens.forEach((line, i) => {
        for (const t of line) {
          const text = lines[i].slice(t.startIndex, t.endIndex);
          console.error(`${file.name}:${i + 1}:${t.startIndex + 1} ${JSON.stringify(text)} ${t.scopes.slice(1).join(' ')}`);
        }
      });
    }
  }
  for (const f of failures) {
    console.log(f);
  }
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => {
  console.log(e.stack || String(e));
  process.exitCode = 1;
});
