package lint_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/sarifcheck"
	"github.com/katafilter/katafilter/lint"
)

const sarifSchema = "../testdata/lint/sarif-2.1.0-rtm.5.json"

const fixtureRepo = "../testdata/lint/repo"

func runFixture(t testing.TB, workers int) *lint.Result {
	t.Helper()
	res, err := lint.Run(lint.Options{Paths: []string{fixtureRepo}, BaseDir: fixtureRepo, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSARIFValidates checks the SARIF output against the SARIF 2.1.0 JSON schema, and what
// GitHub code scanning needs beyond the schema: rules with help links, results that name a
// rule of the driver, relative forward-slash paths and regions.
func TestSARIFValidates(t *testing.T) {
	res := runFixture(t, 0)
	if len(res.Findings()) == 0 {
		t.Fatal("the fixture repository has no findings")
	}
	var buf bytes.Buffer
	if err := lint.Write(&buf, res, lint.WriteOptions{Format: "sarif", Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(sarifSchema, buf.Bytes()); err != nil {
		t.Fatalf("the SARIF output does not validate: %v", err)
	}

	// A broken log must not validate: the test can fail.
	var broken map[string]any
	_ = json.Unmarshal(buf.Bytes(), &broken)
	broken["version"] = "2.0.0"
	data, _ := json.Marshal(broken)
	if sarifcheck.Validate(sarifSchema, data) == nil {
		t.Fatal("a log with version 2.0.0 validated")
	}

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID, HelpURI      string
						ShortDescription struct{ Text string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	for _, r := range run.Tool.Driver.Rules {
		if !strings.HasPrefix(r.HelpURI, "https://") || r.ShortDescription.Text == "" {
			t.Errorf("rule %s lacks a help link or description", r.ID)
		}
	}
	var got []string
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
		}
		l := r.Locations[0].PhysicalLocation
		if strings.Contains(l.ArtifactLocation.URI, `\`) || filepath.IsAbs(l.ArtifactLocation.URI) {
			t.Errorf("uri %q is not relative with forward slashes", l.ArtifactLocation.URI)
		}
		got = append(got, fmt.Sprintf("%s %s %s:%d:%d-%d:%d", r.RuleID, r.Level, l.ArtifactLocation.URI,
			l.Region.StartLine, l.Region.StartColumn, l.Region.EndLine, l.Region.EndColumn))
	}
	want := `KF0200 error rules/hosts.kfl:3:28-3:33
KF0300 error rules/net.json:1:77-1:82
KL0006 error rules/process/powershell.yaml:11:11-11:12
KF0201 error rules/process/powershell.yaml:13:41-13:49
KF0102 error rules/process/powershell.yaml:13:55-13:58
KL0004 warning rules/process/powershell.yaml:14:3-14:59
KF0402 error rules/process/powershell.yaml:15:57-15:60`
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("results:\n%s\nwant:\n%s", g, want)
	}
}

// TestDeterministicOrder lints with one worker and with many: the output is the same.
func TestDeterministicOrder(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 200)
	var outs []string
	for _, w := range []int{1, 7} {
		res, err := lint.Run(lint.Options{Paths: []string{dir}, BaseDir: dir, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := lint.Write(&b, res, lint.WriteOptions{Format: "json"}); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b.String())
	}
	if outs[0] != outs[1] {
		t.Fatal("the output depends on the number of workers")
	}
	if !strings.Contains(outs[0], `"errors": 20,`) {
		t.Fatalf("unexpected summary in %s", outs[0][max(0, len(outs[0])-200):])
	}
}

// generate writes n rule files, one in ten with an unknown field, spread over directories.
func generate(t testing.TB, dir string, n int) {
	t.Helper()
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("team%02d", i%17), fmt.Sprintf("area%d", i%5))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		field := "FileName"
		if i%10 == 0 {
			field = "FileNmae"
		}
		var name, text string
		switch i % 3 {
		case 0:
			name = fmt.Sprintf("r%05d.yaml", i)
			text = fmt.Sprintf("rules:\n  - name: rule %d\n    filter: >-\n      EventType == 'process' AND\n      %s == '*tool%d*'\n    tests:\n      match:\n        - {EventType: process, %s: tool%d.exe}\n",
				i, field, i, field, i)
		case 1:
			name = fmt.Sprintf("r%05d.kfl", i)
			text = fmt.Sprintf("# rule %d\nEventType == 'process' AND %s == 'x%d.exe'\n", i, field, i)
		default:
			name = fmt.Sprintf("r%05d.json", i)
			text = fmt.Sprintf(`{"name": "rule %d", "filter": "EventType == 'process' AND %s in ('a%d', 'b')"}`+"\n", i, field, i)
		}
		if err := os.WriteFile(filepath.Join(sub, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkLint10k lints 10,000 generated rule files (YAML with rule tests, .kfl, JSON).
func BenchmarkLint10k(b *testing.B) {
	dir := b.TempDir()
	generate(b, dir, 10000)
	b.ResetTimer()
	for b.Loop() {
		res, err := lint.Run(lint.Options{Paths: []string{dir}, BaseDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Files) != 10000 {
			b.Fatalf("linted %d files", len(res.Files))
		}
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := lint.Run(lint.Options{Paths: []string{"no/such/dir"}}); err == nil {
		t.Error("no error for a missing path")
	}
	if _, err := lint.Run(lint.Options{Paths: []string{fixtureRepo}, ConfigFile: "no/such/config.yaml"}); err == nil {
		t.Error("no error for a missing configuration")
	}
}

func ExampleRun() {
	res, err := lint.Run(lint.Options{Paths: []string{"../testdata/lint/repo/rules/hosts.kfl"}, BaseDir: "../testdata/lint/repo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Findings() {
		fmt.Printf("%s:%d:%d: %s %s\n", f.File, f.Start.Line, f.Start.Column, f.Code, f.Message)
	}
	fmt.Println(res.Summary())
	// Output:
	// rules/hosts.kfl:3:28: KF0200 unknown field Bogus
	// 1 error, 0 warnings in 1 file (2 filters)
}

// TestWriteErrorsNameTheFile: a baseline that cannot be written says which file it was.
func TestWriteErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "plain")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(lint.Options{Paths: []string{fixtureRepo + "/rules/hosts.kfl"}, BaseDir: fixtureRepo})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(notDir, "baseline.json")
	err = lint.NewBaseline(res).Write(file)
	if err == nil || !strings.HasPrefix(err.Error(), "writing baseline "+file+": ") {
		t.Errorf("err = %v", err)
	}
}

// TestSARIFURIs: paths with spaces, %, #, ?, a colon and non-ASCII letters are percent-encoded
// in artifactLocation.uri, the log validates, and each URI decodes back to its path.
func TestSARIFURIs(t *testing.T) {
	dir := t.TempDir()
	names := []string{"Lateral Movement/psexec.yaml", "100%.kfl", "a#b.kfl", "what?.kfl", "a:b.kfl", "café/ü.kfl"}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		text := "eventType == 'process'\n"
		if strings.HasSuffix(n, ".yaml") {
			text = "filter: " + text
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Skipf("this file system refuses the name %q: %v", n, err)
		}
	}
	res, err := lint.Run(lint.Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := lint.Write(&buf, res, lint.WriteOptions{Format: "sarif", Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(sarifSchema, buf.Bytes()); err != nil {
		t.Fatalf("the SARIF output does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range log.Runs[0].Results {
		uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI
		path, err := url.PathUnescape(uri)
		if err != nil {
			t.Errorf("%q: %v", uri, err)
		}
		got[path] = uri
	}
	for _, n := range names {
		if _, ok := got[n]; !ok {
			t.Errorf("no result for %s (URIs %v)", n, got)
		}
	}
	if got["Lateral Movement/psexec.yaml"] != "Lateral%20Movement/psexec.yaml" || got["a:b.kfl"] != "a%3Ab.kfl" {
		t.Errorf("URIs %v", got)
	}
}

// TestJUnitErrorsAttribute: every <testsuite> has the errors attribute that the common JUnit
// schema requires, beside tests and failures.
func TestJUnitErrorsAttribute(t *testing.T) {
	var buf bytes.Buffer
	if err := lint.Write(&buf, runFixture(t, 0), lint.WriteOptions{Format: "junit"}); err != nil {
		t.Fatal(err)
	}
	suites := regexp.MustCompile(`<testsuite\s[^>]*>`).FindAllString(buf.String(), -1)
	if len(suites) == 0 {
		t.Fatal("no testsuite")
	}
	for _, s := range suites {
		for _, attr := range []string{"name=", "tests=", "failures=", `errors="0"`} {
			if !strings.Contains(s, attr) {
				t.Errorf("%s lacks %s", s, attr)
			}
		}
	}
}
