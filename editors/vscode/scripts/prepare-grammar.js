#!/usr/bin/env node
// Copies the TextMate grammar from its single source of truth,
// grammar/katafilter.tmLanguage.json at the repository root, into
// syntaxes/ where package.json's contributes.grammars points. The copy is
// not committed (see .gitignore); npm runs this script on `npm ci` /
// `npm install` (prepare), before `vsce package` (vscode:prepublish) and
// before `npm test`.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const source = path.resolve(__dirname, '..', '..', '..', 'grammar', 'katafilter.tmLanguage.json');
const target = path.resolve(__dirname, '..', 'syntaxes', 'katafilter.tmLanguage.json');

let data;
try {
  data = fs.readFileSync(source);
} catch (err) {
  console.error(`prepare-grammar: cannot read ${source}: ${err.message}`);
  process.exit(1);
}
try {
  JSON.parse(data.toString('utf8'));
} catch (err) {
  console.error(`prepare-grammar: ${source} is not valid JSON: ${err.message}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, data);
console.log(`prepare-grammar: ${path.relative(process.cwd(), source)} -> ${path.relative(process.cwd(), target)}`);
