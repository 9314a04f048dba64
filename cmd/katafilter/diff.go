package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/relate"
)

func init() {
	register(&command{name: "diff", summary: "how a changed filter's matches relate to the old one's (broader, narrower...)", run: runDiff})
}

const diffSynopsis = `diff [--format text|json|markdown] [--events FILE | --db URL [--table NAME]]
                 [--schema FILE] [--ignore-case] [--allow-unknown-fields] (-e OLD -e NEW | OLD.kfl NEW.kfl)

Diff decides, from the two filters alone, whether NEW is equivalent to OLD, broader (it
matches every event OLD matches, and more), narrower, or incomparable, and shows a witness:
a small event that one matches and the other does not, confirmed by the evaluator. It never
claims a relation it has not proved; past its bounds it says "unknown". Each file holds one
filter. With --events, it also counts the events of FILE (JSON lines, "-" for standard
input) that each matches; with --db, it counts them in an archive of ClickHouse or PostgreSQL
(see "katafilter hunt --help" for the URL), where the database counts each side and each
difference.

--format markdown writes a comment for a pull request.

Exit status: 0 when NEW is equivalent to OLD, 1 when it is not or that is unknown (or a
filter has errors, or FILE cannot be read), 2 on a usage error.`

// diffReport is the JSON output of diff.
type diffReport struct {
	Relation relate.Relation `json:"relation"`
	Witness  relate.Event    `json:"witness"`
	Summary  string          `json:"summary"`
	Old      string          `json:"old"`
	New      string          `json:"new"`
	OnlyOld  diffSide        `json:"only_old"`
	OnlyNew  diffSide        `json:"only_new"`
	Events   *eventCounts    `json:"events,omitempty"`
}

// diffSide is one difference: proved empty, witnessed, or neither (why says which bound).
type diffSide struct {
	Empty   bool         `json:"empty"`
	Witness relate.Event `json:"witness"`
	Why     string       `json:"why,omitempty"`
}

// eventCounts is how many events of a file, or of an archive's table, each filter matches.
type eventCounts struct {
	File    string `json:"file,omitempty"`
	Archive string `json:"archive,omitempty"` // the database URL without its password, and the table`
	Total   int    `json:"total"`
	Old     int    `json:"old"`
	New     int    `json:"new"`
	OnlyOld int    `json:"only_old"`
	OnlyNew int    `json:"only_new"`
}

func runDiff(env *cmdEnv, args []string) int {
	fs := newFlags(env, "diff", diffSynopsis)
	var exprs multiString
	fs.Var(&exprs, "e", "a `filter`: give -e twice, OLD then NEW")
	format := fs.String("format", "text", "output `format`: text, json or markdown")
	events := fs.String("events", "", "count the matches of each filter among the events of this JSON-lines `file`")
	af := addArchiveFlags(fs, "db", "count the matches of each filter in this archive: a database `URL` (clickhouse://... or postgres://...)")
	lf := addLangFlags(fs, true)
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	switch *format {
	case "text", "json", "markdown":
	default:
		return usageError(env, "diff", "--format must be text, json or markdown, not %q", *format)
	}
	if !(len(exprs) == 2 && len(files) == 0 || len(exprs) == 0 && len(files) == 2) {
		return usageError(env, "diff", "give -e OLD -e NEW, or two files OLD.kfl NEW.kfl")
	}
	if af.db != "" {
		if *events != "" {
			return usageError(env, "diff", "give --events FILE or --db URL, not both")
		}
		if code, ok := af.check(env, "diff"); !ok {
			return code
		}
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter diff: %v\n", err)
		return 1
	}
	texts := []string(exprs)
	if len(files) == 2 {
		texts = nil
		for _, f := range files {
			src, err := fileSource(env, f)
			if err != nil {
				fmt.Fprintf(env.stderr, "katafilter diff: %s: %v\n", displayName(f), unwrapPath(err))
				return 1
			}
			if len(src.entries) != 1 {
				fmt.Fprintf(env.stderr, "katafilter diff: %s holds %d filters; diff compares one with one\n", src.name, len(src.entries))
				return 1
			}
			texts = append(texts, src.entries[0].Text)
		}
	}
	var sides [2]*lang.Filter
	bad := false
	for i, t := range texts {
		sides[i] = lang.Analyze(t, cfg)
		if sides[i].Diagnostics.HasErrors() {
			printDiags(env, env.stderr, []string{"OLD", "NEW"}[i], t, sides[i].Diagnostics)
			bad = true
		}
	}
	if bad {
		fmt.Fprintln(env.stderr, "katafilter diff: a filter with errors cannot be compared")
		return 1
	}
	r, err := relate.Compare(relate.Filter{Expr: sides[0].Expr, Info: sides[0].Info}, relate.Filter{Expr: sides[1].Expr, Info: sides[1].Info},
		relate.Options{Schema: cfg.Schema, IgnoreCase: cfg.IgnoreCase})
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter diff: %v\n", err)
		return 1
	}
	rep := diffReport{Relation: r.Relation, Witness: r.Witness, Summary: r.Sentence(), Old: texts[0], New: texts[1],
		OnlyOld: diffSide{r.OnlyOld.Empty, r.OnlyOld.Witness, r.OnlyOld.Why},
		OnlyNew: diffSide{r.OnlyNew.Empty, r.OnlyNew.Witness, r.OnlyNew.Why}}
	if *events != "" {
		c, err := countEvents(env, *events, sides)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter diff: %v\n", err)
			return 1
		}
		rep.Events = c
	}
	if af.db != "" {
		c, err := countArchive(env, af, texts, cfg)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter diff: %v\n", err)
			return 1
		}
		rep.Events = c
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(rep)
	case "markdown":
		err = writeDiffMarkdown(env.stdout, rep)
	default:
		err = writeDiffText(env.stdout, rep)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter diff: %v\n", err)
		return 1
	}
	if r.Relation == relate.Equivalent {
		return 0
	}
	return 1
}

// countArchive counts, in the archive's table, the events each filter matches and those that
// only one of them matches: the database counts OLD, NEW, (OLD) AND NOT (NEW) and the reverse.
func countArchive(env *cmdEnv, af *archiveFlags, texts []string, cfg lang.Config) (*eventCounts, error) {
	ctx := context.Background()
	db, err := af.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	old, nu := "("+texts[0]+")", "("+texts[1]+")"
	c := &eventCounts{Archive: db.String() + " table " + af.table}
	for _, q := range []struct {
		filter string
		n      *int
	}{{old, &c.Old}, {nu, &c.New}, {old + " AND NOT " + nu, &c.OnlyOld}, {nu + " AND NOT " + old, &c.OnlyNew}} {
		f := lang.Analyze(q.filter, cfg)
		if err := f.Diagnostics.Err(); err != nil {
			return nil, err
		}
		n, err := db.Count(ctx, af.table, archive.Query{Filter: f, IgnoreCase: cfg.IgnoreCase})
		if err != nil {
			return nil, err
		}
		*q.n = int(n)
	}
	total, err := db.Total(ctx, af.table)
	c.Total = int(total)
	return c, err
}

// where names what the events were counted in.
func (c *eventCounts) where() string {
	if c.Archive != "" {
		return c.Archive
	}
	return c.File
}

// countEvents counts the events of the file arg that each filter matches.
func countEvents(env *cmdEnv, arg string, sides [2]*lang.Filter) (*eventCounts, error) {
	var progs [2]*eval.Program
	for i, f := range sides {
		p, err := f.Program()
		if err != nil {
			return nil, err
		}
		progs[i] = p
	}
	rd, err := jsonl.Open(arg, env.stdin, jsonl.Options{Strict: true})
	if err != nil {
		return nil, fmt.Errorf("--events %s: %w", displayName(arg), unwrapPath(err))
	}
	defer rd.Close()
	c := &eventCounts{File: displayName(arg)}
	for rd.Next() {
		var m [2]bool
		for i, p := range progs {
			if m[i], err = p.MatchJSON(rd.Event()); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", displayName(arg), rd.Line(), err)
			}
		}
		c.Total++
		c.Old += b2i(m[0])
		c.New += b2i(m[1])
		c.OnlyOld += b2i(m[0] && !m[1])
		c.OnlyNew += b2i(m[1] && !m[0])
	}
	return c, rd.Err()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func witnessText(ev relate.Event) string {
	b, _ := json.Marshal(ev)
	return string(b)
}

func writeDiffText(w io.Writer, rep diffReport) error {
	var b strings.Builder
	b.WriteString(rep.Summary + ".\n")
	if ev := rep.OnlyNew.Witness; ev != nil {
		fmt.Fprintf(&b, "  matched by NEW, not by OLD: %s\n", witnessText(ev))
	}
	if ev := rep.OnlyOld.Witness; ev != nil {
		fmt.Fprintf(&b, "  matched by OLD, not by NEW: %s\n", witnessText(ev))
	}
	if c := rep.Events; c != nil {
		fmt.Fprintf(&b, "  events in %s: OLD matches %d, NEW matches %d of %d; %d only by OLD, %d only by NEW\n",
			c.where(), c.Old, c.New, c.Total, c.OnlyOld, c.OnlyNew)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDiffMarkdown writes the report as a pull-request comment.
func writeDiffMarkdown(w io.Writer, rep diffReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### katafilter diff: NEW is **%s**\n\n", rep.Relation)
	b.WriteString(rep.Summary + ".\n\n")
	b.WriteString("| | filter |\n| --- | --- |\n")
	fmt.Fprintf(&b, "| OLD | %s |\n| NEW | %s |\n", mdCode(rep.Old), mdCode(rep.New))
	for _, s := range []struct {
		title string
		ev    relate.Event
	}{{"An event NEW matches and OLD does not", rep.OnlyNew.Witness}, {"An event OLD matches and NEW does not", rep.OnlyOld.Witness}} {
		if s.ev != nil {
			data, _ := json.MarshalIndent(s.ev, "", "  ")
			fmt.Fprintf(&b, "\n%s:\n\n```json\n%s\n```\n", s.title, data)
		}
	}
	if c := rep.Events; c != nil {
		fmt.Fprintf(&b, "\n| events | OLD matches | NEW matches | only OLD | only NEW |\n| --- | --- | --- | --- | --- |\n| %d in %s | %d | %d | %d | %d |\n",
			c.Total, mdCode(c.where()), c.Old, c.New, c.OnlyOld, c.OnlyNew)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCode writes s as inline code in a Markdown table cell: backticks long enough, pipes escaped.
func mdCode(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + s + " " + fence
}
