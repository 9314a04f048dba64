// Tokenizes filters with the TextMate grammar the way VS Code does
// (vscode-textmate + the Oniguruma WASM build) and checks the scopes.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.resolve(__dirname, '..', '..', '..', 'grammar', 'katafilter.tmLanguage.json');
const COPY = path.resolve(__dirname, '..', 'syntaxes', 'katafilter.tmLanguage.json');

let grammarPromise;
function loadGrammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== 'source.katafilter') {
          return null;
        }
        return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR);
      },
    });
    grammarPromise = registry.loadGrammar('source.katafilter');
  }
  return grammarPromise;
}

// tokenize returns, for each line of text, its tokens as {text, scopes}.
async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    out.push(
      r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      }))
    );
    state = r.ruleStack;
  }
  return out;
}

// scopeOf returns the innermost scope of the token that is exactly `text`
// (the n-th such token, counted from 0) in a one-line filter.
async function scopesOf(line, text, n = 0) {
  const [tokens] = await tokenize(line);
  const hits = tokens.filter((t) => t.text === text);
  assert.ok(hits.length > n, `no token ${JSON.stringify(text)} (#${n}) in ${JSON.stringify(line)}; tokens: ${JSON.stringify(tokens.map((t) => t.text))}`);
  return hits[n].scopes;
}

async function expectScope(line, text, scope, n = 0) {
  const scopes = await scopesOf(line, text, n);
  assert.ok(
    scopes.includes(scope),
    `${JSON.stringify(text)} in ${JSON.stringify(line)}: want ${scope}, got ${scopes.join(' ')}`
  );
}

test('the grammar loads and its scope is source.katafilter', async () => {
  const g = await loadGrammar();
  assert.ok(g, 'grammar did not load');
  const [tokens] = await tokenize('EventType == 1');
  assert.equal(tokens[0].scopes[0], 'source.katafilter');
});

test('the copy in syntaxes/ equals grammar/katafilter.tmLanguage.json', () => {
  assert.deepEqual(fs.readFileSync(COPY), fs.readFileSync(GRAMMAR), 'run `npm run prepare-grammar`');
});

test('comments start only in the first column', async () => {
  await expectScope('# a comment', '#', 'punctuation.definition.comment.katafilter');
  await expectScope('# a comment', ' a comment', 'comment.line.number-sign.katafilter');
  const [tokens] = await tokenize("  # not a comment");
  assert.ok(tokens.every((t) => !t.scopes.some((s) => s.startsWith('comment'))), JSON.stringify(tokens));
});

test('logical keywords, any case', async () => {
  const line = "A == 1 AND B == 2 or NOT c == 3 And not d == 4";
  for (const kw of ['AND', 'or', 'NOT', 'And', 'not']) {
    await expectScope(line, kw, 'keyword.operator.logical.katafilter');
  }
});

test('comparison operators', async () => {
  for (const op of ['==', '!=', '>', '>=', '<', '<=']) {
    await expectScope(`FileSize ${op} 10`, op, 'keyword.operator.comparison.katafilter');
  }
  await expectScope('FileSize>=10', '>=', 'keyword.operator.comparison.katafilter');
});

test('field names with dots', async () => {
  const line = "Ioa.Rules.Name == 'x' AND System.EventID.value == '4624'";
  await expectScope(line, 'Ioa', 'variable.other.field.katafilter');
  await expectScope(line, 'Rules', 'variable.other.field.katafilter');
  await expectScope(line, '.', 'punctuation.accessor.dot.katafilter');
  await expectScope(line, 'value', 'variable.other.field.katafilter');
  // Keywords inside a dotted name are part of the name.
  await expectScope('Ioa.Not == 1', 'Not', 'variable.other.field.katafilter');
  await expectScope('True.x == 1', 'True', 'variable.other.field.katafilter');
  await expectScope('Andrew == 1', 'Andrew', 'variable.other.field.katafilter');
});

test('infix in and call form in', async () => {
  const infix = "UserName in ('root', 'admin')";
  await expectScope(infix, 'UserName', 'variable.other.field.katafilter');
  await expectScope(infix, 'in', 'keyword.operator.in.katafilter');
  await expectScope(infix, '(', 'punctuation.section.parens.begin.katafilter');
  await expectScope(infix, ',', 'punctuation.separator.comma.katafilter');
  await expectScope(infix, ')', 'punctuation.section.parens.end.katafilter');
  await expectScope('NOT UserName IN (1, 2)', 'IN', 'keyword.operator.in.katafilter');
  await expectScope('NOT UserName IN (1, 2)', 'NOT', 'keyword.operator.logical.katafilter');

  const call = "in(RemotePort, 4444, 8080) AND NOT In (EventType, 'x')";
  await expectScope(call, 'in', 'support.function.in.katafilter');
  await expectScope(call, 'In', 'support.function.in.katafilter');
  await expectScope(call, 'RemotePort', 'variable.other.field.katafilter');
  await expectScope(call, 'EventType', 'variable.other.field.katafilter');
  await expectScope("A == 1 AND in(B, 'x')", 'in', 'support.function.in.katafilter');
});

test('numbers and booleans', async () => {
  await expectScope('Pid == 42', '42', 'constant.numeric.integer.decimal.katafilter');
  await expectScope('Delta > -5', '-5', 'constant.numeric.integer.decimal.katafilter');
  await expectScope('Delta>-5', '-5', 'constant.numeric.integer.decimal.katafilter');
  await expectScope('IsSigned == true', 'true', 'constant.language.boolean.katafilter');
  await expectScope('IsSigned == FALSE', 'FALSE', 'constant.language.boolean.katafilter');
  await expectScope('IsSigned == True', 'True', 'constant.language.boolean.katafilter');
});

test('strings, wildcards and escapes', async () => {
  const line = String.raw`FileName == '*power?hell\\x\'\*\?'`;
  const [tokens] = await tokenize(line);
  const texts = tokens.map((t) => t.text);
  assert.deepEqual(texts.slice(texts.indexOf("'")), ["'", '*', 'power', '?', 'hell', '\\\\', 'x', "\\'", '\\*', '\\?', "'"]);
  await expectScope(line, "'", 'punctuation.definition.string.begin.katafilter', 0);
  await expectScope(line, "'", 'punctuation.definition.string.end.katafilter', 1);
  await expectScope(line, 'power', 'string.quoted.single.katafilter');
  await expectScope(line, '*', 'keyword.other.wildcard.asterisk.katafilter');
  await expectScope(line, '?', 'keyword.other.wildcard.question-mark.katafilter');
  for (const esc of ['\\\\', "\\'", '\\*', '\\?']) {
    await expectScope(line, esc, 'constant.character.escape.katafilter');
  }
  // Keywords and numbers inside strings are string text.
  await expectScope("A == 'AND 42 in'", 'AND 42 in', 'string.quoted.single.katafilter');
});

test('invalid escapes', async () => {
  const line = String.raw`Path == 'C:\Windows\temp'`;
  await expectScope(line, '\\W', 'invalid.illegal.escape.katafilter');
  await expectScope(line, '\\t', 'invalid.illegal.escape.katafilter');
  const [tokens] = await tokenize(String.raw`Path == 'abc\n'`);
  const bad = tokens.find((t) => t.text === '\\n');
  assert.ok(bad && bad.scopes.includes('invalid.illegal.escape.katafilter'), JSON.stringify(tokens));
  assert.ok(!bad.scopes.includes('constant.character.escape.katafilter'));
});

test('mistakes the parser reports are marked invalid', async () => {
  await expectScope("A = 'x'", '=', 'invalid.illegal.operator.katafilter');
  await expectScope('A == 1 && B == 2', '&&', 'invalid.illegal.operator.katafilter');
  await expectScope('A == 1 || B == 2', '||', 'invalid.illegal.operator.katafilter');
  await expectScope('!A == 1', '!', 'invalid.illegal.operator.katafilter');
  await expectScope('A == "x"', '"x"', 'invalid.illegal.string.double-quoted.katafilter');
  await expectScope('A == 1 ; B', ';', 'invalid.illegal.character.katafilter');
});

test('continuation lines and unterminated strings', async () => {
  const lines = await tokenize(
    [
      "EventType == 'process' AND",
      "    (FileName == 'a",
      "    b' OR Pid == 1)",
      "UserName == 'open",
      "EventType == 'x'",
      "# done",
    ].join('\n')
  );
  const find = (i, text) => lines[i].find((t) => t.text === text) || assert.fail(`no ${text} on line ${i}: ${JSON.stringify(lines[i])}`);
  assert.ok(find(1, '(').scopes.includes('punctuation.section.parens.begin.katafilter'));
  // A string may go on over a continuation line, as the parser allows...
  assert.ok(find(2, '    b').scopes.includes('string.quoted.single.katafilter'));
  assert.ok(find(2, 'OR').scopes.includes('keyword.operator.logical.katafilter'));
  // ...but an unterminated string stops at the next filter.
  assert.ok(find(4, 'EventType').scopes.includes('variable.other.field.katafilter'));
  assert.ok(find(5, '#').scopes.includes('punctuation.definition.comment.katafilter'));
});

test('the example filter', async () => {
  const line = String.raw`EventType == 'process' AND (FileName == '*powershell*' OR StartupParameters == '*-enc*') AND NOT UserName in ('NT AUTHORITY\\SYSTEM', 'root')`;
  const [tokens] = await tokenize(line);
  const invalid = tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid')));
  assert.deepEqual(invalid, []);
  await expectScope(line, 'StartupParameters', 'variable.other.field.katafilter');
  await expectScope(line, 'in', 'keyword.operator.in.katafilter');
  await expectScope(line, '\\\\', 'constant.character.escape.katafilter');
});

test('every filter of a sample file tokenizes without invalid tokens', async () => {
  const sample = fs.readFileSync(path.join(__dirname, 'testdata', 'sample.kfl'), 'utf8');
  const lines = await tokenize(sample);
  lines.forEach((tokens, i) => {
    const invalid = tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid')));
    assert.deepEqual(invalid, [], `line ${i + 1}`);
  });
});
