package lang_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/schema"
	"github.com/katafilter/katafilter/lang/schema/schemafile"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/lang")

// corpusDir holds the checker corpus: txtar archives at the repository root.
var corpusDir = filepath.Join("..", "testdata", "lang", "check")

// TestCorpus checks every filter of the corpus against its golden diagnostics.
//
// Each archive testdata/lang/check/NAME.txtar holds:
//   - in its comment, prose and options, one per line: "option strict", "option ignore-case",
//     "option allow-unknown-fields", "option schema FILE" (a schema extension among the
//     archive's files);
//   - "filters": a filter file (.kfl rules: one filter per line, indented lines continue it,
//     # lines are comments);
//   - "want": for each filter, a header "## line N: TEXT", the diagnostics as diag.Render prints
//     them (positions in the filter file), then for each suggested fix the text after applying
//     it and the codes left once the fixed text is checked again ("clean" when none), and the
//     canonical form when it differs from the text.
//
// go test ./lang -run TestCorpus -update rewrites the "want" files.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	total := 0
	codes := map[diag.Code]int{}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			cfg := corpusConfig(t, ar)
			src := string(archiveFile(t, ar, "filters"))
			entries := kfl.Split(src)
			total += len(entries)
			got := renderCorpus(t, src, entries, cfg, codes)
			if *update {
				setArchiveFile(ar, "want", got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := string(archiveFile(t, ar, "want")); got != want {
				t.Errorf("%s: diagnostics differ from the golden file (go test ./lang -run TestCorpus -update rewrites it)\n%s",
					file, lineDiff(want, got))
			}
		})
	}
	if total < 150 {
		t.Errorf("the corpus holds %d filters, want at least 150", total)
	}
	for _, ci := range diag.Codes {
		if strings.HasPrefix(string(ci.Code), "KF09") {
			continue // the SQL translator's: lang/sql's golden files show them
		}
		if codes[ci.Code] < 2 {
			t.Errorf("the corpus shows code %s (%s) %d times, want at least 2", ci.Code, ci.Name, codes[ci.Code])
		}
	}
}

func corpusConfig(t *testing.T, ar *txtar.Archive) lang.Config {
	var cfg lang.Config
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "option" {
			continue // prose
		}
		f = f[1:]
		switch f[0] {
		case "strict":
			cfg.Strict = true
		case "ignore-case":
			cfg.IgnoreCase = true
		case "allow-unknown-fields":
			cfg.AllowUnknownFields = true
		case "schema":
			s, err := schemafile.Extend(schema.Default(), archiveFile(t, ar, f[1]), f[1])
			if err != nil {
				t.Fatalf("schema %s: %v", f[1], err)
			}
			cfg.Schema = s
		default:
			t.Fatalf("unknown option %q in the archive's comment", line)
		}
	}
	return cfg
}

func renderCorpus(t *testing.T, src string, entries []kfl.Entry, cfg lang.Config, codes map[diag.Code]int) string {
	var b strings.Builder
	lines := ast.NewLineTable(src)
	for _, e := range entries {
		fmt.Fprintf(&b, "## line %d: %s\n", e.Line, strings.ReplaceAll(showCR(e.Text), "\n", "\n## "))
		f := lang.Analyze(e.Text, cfg)
		for _, d := range f.Diagnostics {
			codes[d.Code]++
			checkSpan(t, e.Text, d)
		}
		if err := diag.Render(&b, lines, f.Diagnostics.Shift(e.Offset), diag.RenderOptions{Filename: "filters"}); err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Diagnostics {
			for _, fix := range d.Fixes {
				fixed, err := diag.ApplyEdits(e.Text, fix.Edits)
				if err != nil {
					t.Errorf("line %d: fix %q of %s does not apply: %v", e.Line, fix.Title, d.Code, err)
					continue
				}
				fmt.Fprintf(&b, "fix %s %q: %s\n  => %s\n", d.Code, fix.Title, showCR(fixed), recheck(fixed, cfg))
			}
		}
		if text, ok := f.Format(); ok && text != e.Text {
			fmt.Fprintf(&b, "fmt: %s\n", text)
		}
	}
	return b.String()
}

// showCR writes carriage returns visibly, so that the golden text has plain line ends.
func showCR(s string) string { return strings.ReplaceAll(s, "\r", `\r`) }

// recheck checks a fixed filter again and lists the codes that remain.
func recheck(src string, cfg lang.Config) string {
	f := lang.Analyze(src, cfg)
	if len(f.Diagnostics) == 0 {
		return "clean"
	}
	var cs []string
	for _, d := range f.Diagnostics {
		cs = append(cs, fmt.Sprintf("%s %s", d.Severity, d.Code))
	}
	return strings.Join(cs, ", ")
}

// checkSpan holds every diagnostic and edit to spans inside the filter.
func checkSpan(t *testing.T, src string, d diag.Diagnostic) {
	t.Helper()
	in := func(s ast.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(src) }
	if !in(d.Span) {
		t.Errorf("%q: %s span %v outside the filter", src, d.Code, d.Span)
	}
	for _, f := range d.Fixes {
		for _, e := range f.Edits {
			if !in(e.Span) {
				t.Errorf("%q: %s fix %q edit %v outside the filter", src, d.Code, f.Title, e.Span)
			}
		}
	}
}

func archiveFile(t *testing.T, ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	if *update && name == "want" {
		return nil
	}
	t.Fatalf("the archive has no file %q", name)
	return nil
}

func setArchiveFile(ar *txtar.Archive, name, data string) {
	i := slices.IndexFunc(ar.Files, func(f txtar.File) bool { return f.Name == name })
	if i < 0 {
		ar.Files = append(ar.Files, txtar.File{Name: name})
		i = len(ar.Files) - 1
	}
	ar.Files[i].Data = []byte(data)
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("first difference at line %d of want:\nwant: %q\n got: %q", i+1, wl, gl)
		}
	}
	return "(no difference)"
}
