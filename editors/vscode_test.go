// Package editors holds the editor integrations for katafilter. It has no Go
// code; its tests check the TextMate grammar, the VS Code extension and the
// other editors' files.
package editors

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/internal/testenv"
)

const (
	grammarPath     = "../grammar/katafilter.tmLanguage.json"
	vscodeDir       = "vscode"
	grammarCopyPath = "syntaxes/katafilter.tmLanguage.json" // relative to vscodeDir, not committed
)

// readJSON decodes the JSON file at path into a generic value.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// walk calls fn for every object in v, depth first.
func walk(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(v)
		for _, x := range v {
			walk(x, fn)
		}
	case []any:
		for _, x := range v {
			walk(x, fn)
		}
	}
}

func TestGrammar(t *testing.T) {
	g := readJSON(t, grammarPath)
	if got := g["scopeName"]; got != "source.katafilter" {
		t.Errorf("scopeName = %v, want source.katafilter", got)
	}
	repo, ok := g["repository"].(map[string]any)
	if !ok {
		t.Fatal("no repository object")
	}
	for _, key := range []string{
		"comment", "expression", "string", "string-escape", "wildcard",
		"in-call", "field-in", "in-operator", "logical-operator", "boolean",
		"number", "comparison-operator", "field", "punctuation",
		"invalid-string", "invalid-operator", "invalid",
	} {
		if _, ok := repo[key]; !ok {
			t.Errorf("repository has no key %q", key)
		}
	}

	// Every include names a repository key, and every scope ends in .katafilter.
	var names []string
	walk(g["repository"], func(o map[string]any) {
		if inc, ok := o["include"].(string); ok {
			if key, local := strings.CutPrefix(inc, "#"); !local {
				if inc != "$self" && inc != "$base" {
					t.Errorf("include %q refers outside the grammar", inc)
				}
			} else if _, ok := repo[key]; !ok {
				t.Errorf("include %q: no such repository key", inc)
			}
		}
		if name, ok := o["name"].(string); ok {
			names = append(names, name)
			if !strings.HasSuffix(name, ".katafilter") {
				t.Errorf("scope %q does not end in .katafilter", name)
			}
		}
		for _, k := range []string{"match", "begin", "end"} {
			if re, ok := o[k].(string); ok && re == "" {
				t.Errorf("empty %s regexp", k)
			}
		}
	})
	for _, want := range []string{
		"comment.line.number-sign.", "punctuation.definition.comment.",
		"keyword.operator.logical.", "keyword.operator.in.", "support.function.in.",
		"keyword.operator.comparison.", "string.quoted.single.",
		"keyword.other.wildcard.", "constant.character.escape.", "invalid.illegal.escape.",
		"constant.numeric.integer.", "constant.language.boolean.", "variable.other.field.",
		"punctuation.section.parens.begin.", "punctuation.section.parens.end.",
		"punctuation.separator.comma.", "punctuation.accessor.",
	} {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, want) }) {
			t.Errorf("no scope starting with %q", want)
		}
	}
	// The top level takes comments first, then the expression rules.
	top, _ := g["patterns"].([]any)
	var incs []string
	for _, p := range top {
		if m, ok := p.(map[string]any); ok {
			incs = append(incs, m["include"].(string))
		}
	}
	if !slices.Equal(incs, []string{"#comment", "#expression"}) {
		t.Errorf("top-level patterns = %v", incs)
	}
}

func TestVSCodeManifest(t *testing.T) {
	pkg := readJSON(t, filepath.Join(vscodeDir, "package.json"))
	for key, want := range map[string]string{
		"name": "katafilter", "publisher": "katafilter", "license": "MIT", "main": "./extension.js",
	} {
		if got := pkg[key]; got != want {
			t.Errorf("package.json %s = %v, want %q", key, got, want)
		}
	}
	if v, _ := pkg["version"].(string); !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("version %q is not x.y.z", v)
	}
	if e, _ := pkg["engines"].(map[string]any); e == nil || e["vscode"] == nil {
		t.Error("no engines.vscode")
	}
	if r, _ := pkg["repository"].(map[string]any); r == nil || r["url"] == nil {
		t.Error("no repository.url")
	}
	for _, f := range []string{"LICENSE", "README.md", "extension.js", ".vscodeignore", "package-lock.json", "scripts/prepare-grammar.js"} {
		if _, err := os.Stat(filepath.Join(vscodeDir, f)); err != nil {
			t.Error(err)
		}
	}

	contributes, _ := pkg["contributes"].(map[string]any)
	languages, _ := contributes["languages"].([]any)
	if len(languages) != 1 {
		t.Fatalf("contributes.languages = %v", languages)
	}
	lang := languages[0].(map[string]any)
	if lang["id"] != "katafilter" {
		t.Errorf("language id = %v", lang["id"])
	}
	if exts, _ := lang["extensions"].([]any); !slices.Contains(exts, any(".kfl")) {
		t.Errorf("language extensions = %v, want .kfl", exts)
	}
	langConf, _ := lang["configuration"].(string)
	checkLanguageConfiguration(t, filepath.Join(vscodeDir, langConf))

	grammars, _ := contributes["grammars"].([]any)
	if len(grammars) != 1 {
		t.Fatalf("contributes.grammars = %v", grammars)
	}
	gr := grammars[0].(map[string]any)
	if gr["language"] != "katafilter" || gr["scopeName"] != "source.katafilter" {
		t.Errorf("grammar contribution = %v", gr)
	}
	if p := gr["path"]; p != "./"+grammarCopyPath {
		t.Errorf("grammar path = %v, want ./%s (the copy made by prepare-grammar)", p, grammarCopyPath)
	}

	// The grammar copy is made from the single source by the npm scripts.
	scripts, _ := pkg["scripts"].(map[string]any)
	for _, s := range []string{"prepare-grammar", "prepare", "vscode:prepublish"} {
		if cmd, _ := scripts[s].(string); !strings.Contains(cmd, "prepare-grammar") {
			t.Errorf("script %q = %q, want it to run prepare-grammar", s, cmd)
		}
	}
	script, err := os.ReadFile(filepath.Join(vscodeDir, "scripts/prepare-grammar.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "'grammar', 'katafilter.tmLanguage.json'") ||
		!strings.Contains(string(script), "'syntaxes', 'katafilter.tmLanguage.json'") {
		t.Error("scripts/prepare-grammar.js does not copy grammar/katafilter.tmLanguage.json to syntaxes/")
	}
	// A copy left by an earlier npm run must not be stale.
	if cp, err := os.ReadFile(filepath.Join(vscodeDir, grammarCopyPath)); err == nil {
		src, err := os.ReadFile(grammarPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cp, src) {
			t.Errorf("%s differs from %s: run `npm run prepare-grammar` in editors/vscode", grammarCopyPath, grammarPath)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Error(err)
	}

	// Settings passed to the server.
	conf, _ := contributes["configuration"].(map[string]any)
	props, _ := conf["properties"].(map[string]any)
	for key, typ := range map[string]string{
		"katafilter.path": "string", "katafilter.schemaFile": "string",
		"katafilter.ignoreCase": "boolean", "katafilter.strict": "boolean",
	} {
		p, _ := props[key].(map[string]any)
		if p == nil || p["type"] != typ {
			t.Errorf("setting %s = %v, want type %s", key, p, typ)
		}
	}
	if p, _ := props["katafilter.path"].(map[string]any); p == nil || p["default"] != "katafilter" {
		t.Errorf("katafilter.path default = %v", p)
	}

	// Dependencies, and a lock file that matches them.
	deps, _ := pkg["dependencies"].(map[string]any)
	devDeps, _ := pkg["devDependencies"].(map[string]any)
	if deps["vscode-languageclient"] == nil {
		t.Error("no dependency on vscode-languageclient")
	}
	if devDeps["@vscode/vsce"] == nil {
		t.Error("no devDependency on @vscode/vsce")
	}
	lock := readJSON(t, filepath.Join(vscodeDir, "package-lock.json"))
	root, _ := lock["packages"].(map[string]any)[""].(map[string]any)
	if root == nil {
		t.Fatal(`package-lock.json has no packages[""]`)
	}
	for field, want := range map[string]map[string]any{"dependencies": deps, "devDependencies": devDeps} {
		got, _ := root[field].(map[string]any)
		if !equalJSON(got, want) {
			t.Errorf("package-lock.json %s = %v, package.json has %v: run npm install", field, got, want)
		}
	}

	// extension.js starts `<path> lsp` and passes the three options.
	ext, err := os.ReadFile(filepath.Join(vscodeDir, "extension.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"vscode-languageclient/node", "args: ['lsp']", "TransportKind.stdio", "schemaFile", "ignoreCase", "strict"} {
		if !strings.Contains(string(ext), s) {
			t.Errorf("extension.js does not mention %q", s)
		}
	}

	ignore, err := os.ReadFile(filepath.Join(vscodeDir, ".vscodeignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"test/**", "scripts/**"} {
		if !strings.Contains(string(ignore), s) {
			t.Errorf(".vscodeignore does not exclude %s", s)
		}
	}
}

func equalJSON(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func checkLanguageConfiguration(t *testing.T, path string) {
	t.Helper()
	c := readJSON(t, path)
	if comments, _ := c["comments"].(map[string]any); comments["lineComment"] != "#" {
		t.Errorf("lineComment = %v, want #", comments["lineComment"])
	}
	if !strings.Contains(jsonString(c["brackets"]), `["(",")"]`) {
		t.Errorf("brackets = %v, want ()", c["brackets"])
	}
	pairs := jsonString(c["autoClosingPairs"])
	for _, want := range []string{`"open":"("`, `"open":"'"`} {
		if !strings.Contains(pairs, want) {
			t.Errorf("autoClosingPairs = %s, want %s", pairs, want)
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// networkError matches npm's messages for a registry it cannot reach.
var networkError = regexp.MustCompile(`E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|network (timeout|request)|socket hang up`)

// TestVSCodePackage installs the extension's dependencies with npm ci in a
// temporary copy of the repository layout, runs its node tests and packages
// it with vsce, then checks the .vsix.
func TestVSCodePackage(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping npm ci + vsce package in -short mode")
	}
	npm := testenv.LookPath(t, "npm", "Debian: apt-get install npm; the VS Code extension is packaged with it")
	npx := testenv.LookPath(t, "npx", "it comes with npm")
	// @vscode/vsce 3 needs Node.js 20 or newer.
	if out, err := exec.Command("node", "--version").Output(); err != nil {
		testenv.Missing(t, "node does not run (%v); the VS Code extension cannot be packaged here", err)
	} else if v := strings.TrimSpace(string(out)); nodeMajor(v) < 20 {
		testenv.Missing(t, "node %s is older than 20, which @vscode/vsce needs", v)
	}

	// The same layout as the repository, so prepare-grammar finds ../../grammar.
	tmp := t.TempDir()
	ext := filepath.Join(tmp, "editors", "vscode")
	copyTree(t, vscodeDir, ext)
	copyTree(t, "../grammar", filepath.Join(tmp, "grammar"))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := func(name string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = ext
		cmd.Stdin = nil
		cmd.Env = append(os.Environ(),
			"npm_config_audit=false", "npm_config_fund=false",
			"npm_config_update_notifier=false", "npm_config_progress=false")
		cmd.WaitDelay = 10 * time.Second
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	start := time.Now()
	if out, err := run(npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"); err != nil {
		if networkError.MatchString(out) {
			testenv.Missing(t, "npm ci could not reach the registry, so nothing was packaged: %v\n%s", err, out)
		}
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	t.Logf("npm ci: %s", time.Since(start).Round(time.Millisecond))

	if out, err := run(npm, "test"); err != nil {
		t.Fatalf("npm test: %v\n%s", err, out)
	}

	vsix := filepath.Join(tmp, "katafilter.vsix")
	if out, err := run(npx, "--no", "vsce", "package", "--out", vsix); err != nil {
		t.Fatalf("vsce package: %v\n%s", err, out)
	}
	t.Logf("npm ci + npm test + vsce package: %s", time.Since(start).Round(time.Millisecond))

	zr, err := zip.OpenReader(vsix)
	if err != nil {
		t.Fatalf("the .vsix is not a zip: %v", err)
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	read := func(name string) []byte {
		f := files[name]
		if f == nil {
			t.Errorf("%s is not in the .vsix", name)
			return nil
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	var manifest map[string]any
	if err := json.Unmarshal(read("extension/package.json"), &manifest); err != nil {
		t.Errorf("extension/package.json: %v", err)
	} else if manifest["name"] != "katafilter" {
		t.Errorf("packaged name = %v", manifest["name"])
	}
	src, err := os.ReadFile(grammarPath)
	if err != nil {
		t.Fatal(err)
	}
	if g := read("extension/" + grammarCopyPath); g != nil && !bytes.Equal(g, src) {
		t.Errorf("the packaged grammar differs from %s", grammarPath)
	}
	if js := read("extension/extension.js"); js != nil && !bytes.Contains(js, []byte("vscode-languageclient/node")) {
		t.Error("the packaged extension.js does not use vscode-languageclient")
	}
	read("extension/language-configuration.json")
	read("extension/node_modules/vscode-languageclient/package.json")
	read("extension.vsixmanifest")
	if files["extension/LICENSE.txt"] == nil && files["extension/LICENSE"] == nil {
		t.Error("no LICENSE in the .vsix")
	}
	for name := range files {
		for _, bad := range []string{"extension/test/", "extension/scripts/", "extension/node_modules/@vscode/vsce/", "extension/node_modules/vscode-textmate/"} {
			if strings.HasPrefix(name, bad) {
				t.Errorf("the .vsix contains %s", name)
			}
		}
		if strings.HasSuffix(name, ".vsix") {
			t.Errorf("the .vsix contains %s", name)
		}
	}
}

// nodeMajor returns the major version of a `node --version` answer such as
// "v20.20.2", or 0.
func nodeMajor(v string) int {
	major, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0
	}
	return n
}

// copyTree copies the regular files under src to dst, leaving out what npm
// and vsce produce (node_modules, the grammar copy, .vsix files).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "node_modules" || rel == "syntaxes" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || strings.HasSuffix(d.Name(), ".vsix") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
