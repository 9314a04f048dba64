package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/diag/jsondiag"
	"github.com/katafilter/katafilter/rulefile"
)

// Formats lists the output formats of [Write].
var Formats = []string{"text", "json", "sarif", "github", "junit"}

// WriteOptions configures [Write].
type WriteOptions struct {
	// Format is one of [Formats].
	Format string
	// Color colours the text format.
	Color bool
	// Version is the tool version written into SARIF.
	Version string
}

// Write writes the result in the chosen format. The text format holds the findings only:
// its summary line, [Result.Summary], is the caller's to print (katafilter lint prints it on
// stderr, so that stdout holds nothing but findings, as check does).
func Write(w io.Writer, r *Result, opt WriteOptions) error {
	switch opt.Format {
	case "", "text":
		return writeText(w, r, opt.Color)
	case "json":
		return writeJSON(w, r)
	case "sarif":
		return writeSARIF(w, r, opt.Version)
	case "github":
		return writeGitHub(w, r)
	case "junit":
		return writeJUnit(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", opt.Format, strings.Join(Formats, ", "))
}

// Summary is the one-line count of a result, e.g. "2 errors, 1 warning in 3 files (12 filters)".
func (r *Result) Summary() string {
	filters := 0
	for _, f := range r.Files {
		filters += f.Filters
	}
	s := words.Summary(r.Count, len(r.Files), filters)
	if n := r.Samples(); n > 0 {
		s += "; " + words.Plural(n, "rule-test sample") + " ran"
	}
	return s
}

func writeText(w io.Writer, r *Result, color bool) error {
	var b strings.Builder
	for _, f := range r.Files {
		for _, d := range f.Findings {
			_ = diag.Render(&b, f.Lines, diag.List{d.Diagnostic}, diag.RenderOptions{Filename: f.Path, Color: color})
			if d.Explanation != "" {
				b.WriteString("  explanation:\n")
				for _, l := range strings.SplitAfter(strings.TrimSuffix(d.Explanation, "\n"), "\n") {
					b.WriteString("    " + strings.TrimSuffix(l, "\n") + "\n")
				}
			}
		}
		for _, n := range f.Notes {
			b.WriteString(n + "\n")
		}
		if f.Fixed {
			fmt.Fprintf(&b, "%s: fixed\n", f.Path)
		}
	}
	for _, n := range r.Notes {
		b.WriteString(n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, r *Result) error {
	out := struct {
		Findings []jsondiag.Diagnostic `json:"findings"`
		Notes    []string              `json:"notes,omitempty"`
		Fixed    []string              `json:"fixed,omitempty"`
		Summary  struct {
			Files    int `json:"files"`
			Filters  int `json:"filters"`
			Errors   int `json:"errors"`
			Warnings int `json:"warnings"`
			Infos    int `json:"infos"`
			Samples  int `json:"samples"`
			Accepted int `json:"accepted"`
			Stale    int `json:"stale"`
		} `json:"summary"`
	}{Findings: []jsondiag.Diagnostic{}}
	for _, f := range r.Files {
		out.Summary.Filters += f.Filters
		out.Notes = append(out.Notes, f.Notes...)
		if f.Fixed {
			out.Fixed = append(out.Fixed, f.Path)
		}
		for _, d := range f.Findings {
			jd := jsondiag.New(d.File, f.Lines, d.Diagnostic, rulefile.CodeURL(d.Code))
			jd.Filter, jd.Explanation = d.Filter, d.Explanation
			out.Findings = append(out.Findings, jd)
		}
	}
	out.Notes = append(out.Notes, r.Notes...)
	out.Summary.Files = len(r.Files)
	out.Summary.Errors = r.Count(diag.Error)
	out.Summary.Warnings = r.Count(diag.Warning)
	out.Summary.Infos = r.Count(diag.Info)
	out.Summary.Samples = r.Samples()
	out.Summary.Accepted = r.Accepted()
	out.Summary.Stale = len(r.Stale)
	out.Notes = append(out.Notes, r.StaleNotes()...)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, r *Result, version string) error {
	type text struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     text           `json:"shortDescription"`
		FullDescription      text           `json:"fullDescription"`
		HelpURI              string         `json:"helpUri"`
		Help                 text           `json:"help"`
		DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			} `json:"artifactLocation"`
			Region region `json:"region"`
		} `json:"physicalLocation"`
	}
	type suppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             text              `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Suppressions        []suppression     `json:"suppressions,omitempty"`
	}
	if version == "" {
		version = "devel"
	}
	var rules []rule
	index := map[diag.Code]int{}
	for _, ci := range rulefile.AllCodes() {
		index[ci.Code] = len(rules)
		rules = append(rules, rule{ID: string(ci.Code), Name: ci.Name, ShortDescription: text{ci.Summary},
			FullDescription: text{ci.Summary}, HelpURI: rulefile.CodeURL(ci.Code),
			Help:                 text{ci.Summary + " See " + rulefile.CodeURL(ci.Code)},
			DefaultConfiguration: map[string]any{"level": sarifLevel(ci.Severity)}})
	}
	results := []result{}
	seen := map[string]int{}
	for _, f := range r.Files {
		// The findings a baseline accepted are results too, suppressed, so that code
		// scanning shows them as dismissed rather than fixed.
		all := append(slices.Clip(f.Findings), f.Accepted...)
		for i, d := range all {
			if _, ok := index[d.Code]; !ok { // a code missing from the tables still gets a rule
				index[d.Code] = len(rules)
				rules = append(rules, rule{ID: string(d.Code), Name: strings.ToLower(string(d.Code)),
					ShortDescription: text{string(d.Code)}, FullDescription: text{string(d.Code)},
					HelpURI: rulefile.CodeURL(d.Code), Help: text{"See " + rulefile.CodeURL(d.Code)},
					DefaultConfiguration: map[string]any{"level": sarifLevel(d.Severity)}})
			}
			msg := d.Message
			if d.Explanation != "" {
				msg += "\n" + d.Explanation
			}
			var loc location
			loc.PhysicalLocation.ArtifactLocation.URI = sarifURI(d.File)
			loc.PhysicalLocation.ArtifactLocation.URIBaseID = "%SRCROOT%"
			end := d.End
			if end.Line == d.Start.Line && end.Column <= d.Start.Column {
				end.Column = d.Start.Column + 1
			}
			loc.PhysicalLocation.Region = region{d.Start.Line, d.Start.Column, end.Line, end.Column}
			k := keyOf(f, d)
			id := fmt.Sprintf("%s\x00%s\x00%s", k.file, k.code, k.text)
			seen[id]++
			sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", id, seen[id])))
			results = append(results, result{RuleID: string(d.Code), RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
				Message: text{msg}, Locations: []location{loc},
				PartialFingerprints: map[string]string{"katafilterFinding/v1": hex.EncodeToString(sum[:16])}})
			if i >= len(f.Findings) {
				results[len(results)-1].Suppressions = []suppression{{Kind: "external", Status: "accepted",
					Justification: "accepted by the lint baseline"}}
			}
		}
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "katafilter", "informationUri": "https://github.com/katafilter/katafilter",
				"version": version, "rules": rules,
			}},
			"columnKind": "unicodeCodePoints",
			"results":    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifURI writes a relative path with forward slashes as a URI reference: each segment
// percent-encoded (spaces, %, #, ?, non-ASCII as UTF-8), and a colon too, so that a first
// segment such as "a:b.yaml" is not read as a scheme.
func sarifURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// ghEscape escapes the message of a GitHub workflow command; ghProp escapes a property.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func writeGitHub(w io.Writer, r *Result) error {
	var b strings.Builder
	for _, f := range r.Files {
		for _, d := range f.Findings {
			cmd := map[diag.Severity]string{diag.Error: "error", diag.Warning: "warning"}[d.Severity]
			if cmd == "" {
				cmd = "notice"
			}
			msg := d.Message
			if d.Explanation != "" {
				msg += "\n" + d.Explanation
			}
			fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n", cmd, ghProp(d.File),
				d.Start.Line, d.Start.Column, d.End.Line, d.End.Column, ghProp("katafilter "+string(d.Code)), ghEscape(msg))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJUnit(w io.Writer, r *Result) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		File      string   `xml:"file,attr"`
		Line      int      `xml:"line,attr,omitempty"`
		Failure   *failure `xml:"failure,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	// errors counts test cases that could not run (JUnit's errors, as opposed to failures):
	// a linted file always runs, so it is 0, written because the common JUnit schema (the
	// one Jenkins validates against) requires it on every testsuite.
	type testsuite struct {
		Name      string     `xml:"name,attr"`
		Tests     int        `xml:"tests,attr"`
		Failures  int        `xml:"failures,attr"`
		Errors    int        `xml:"errors,attr"`
		Testcases []testcase `xml:"testcase"`
	}
	type testsuites struct {
		XMLName  xml.Name    `xml:"testsuites"`
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Suites   []testsuite `xml:"testsuite"`
	}
	all := testsuites{Name: "katafilter lint"}
	for _, f := range r.Files {
		s := testsuite{Name: f.Path}
		if len(f.Findings) == 0 {
			s.Testcases = append(s.Testcases, testcase{Name: "lint", Classname: "katafilter.lint", File: f.Path})
		}
		for _, d := range f.Findings {
			body := fmt.Sprintf("%s:%d:%d: %s[%s]: %s\n", d.File, d.Start.Line, d.Start.Column, d.Severity, d.Code, d.Message)
			if d.Explanation != "" {
				body += d.Explanation
			}
			tc := testcase{Name: fmt.Sprintf("%d:%d %s", d.Start.Line, d.Start.Column, d.Code), Classname: "katafilter.lint",
				File: f.Path, Line: d.Start.Line}
			if d.Severity == diag.Info {
				// An info (how a rule changed, with --base) is news, not a failure.
				tc.SystemOut = body
				s.Testcases = append(s.Testcases, tc)
				continue
			}
			tc.Failure = &failure{Message: d.Message, Type: d.Severity.String(), Body: body}
			s.Testcases = append(s.Testcases, tc)
			s.Failures++
		}
		s.Tests = len(s.Testcases)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Suites = append(all.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
