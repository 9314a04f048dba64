package ui

import (
	"net/http"
	"strconv"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/ide"
	"github.com/katafilter/katafilter/lang/schema"
)

// info describes the source and lists the schema's fields (for the facet's field chooser).
func (s *Server) info(w http.ResponseWriter, _ *http.Request) {
	sch := s.opt.Lang.Schema
	if sch == nil {
		sch = schema.Default()
	}
	var fields []string
	for _, f := range sch.Fields() {
		fields = append(fields, f.Name)
	}
	writeJSON(w, map[string]any{
		"source":    s.opt.Backend.Describe(),
		"live":      s.opt.Backend.Live(),
		"fields":    fields,
		"maxEvents": s.opt.MaxEvents,
	})
}

// span is a half-open range of the filter, in UTF-16 code units.
type span struct {
	Start int `json:"s"`
	End   int `json:"e"`
}

type token struct {
	span
	Kind string `json:"k"`
}

type edit struct {
	span
	Text string `json:"text"`
}

type fix struct {
	Title string `json:"title"`
	Safe  bool   `json:"safe,omitempty"`
	Edits []edit `json:"edits"`
}

type diagnostic struct {
	span
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Fixes    []fix  `json:"fixes,omitempty"`
}

// analysis is what the filter bar shows of a filter: its colours (the token classes of
// semantic tokens), its diagnostics and its canonical form.
type analysis struct {
	Tokens      []token      `json:"tokens"`
	Diagnostics []diagnostic `json:"diagnostics"`
	// Formatted is the canonical form when the filter parses (a checker's error, such as an
	// unknown field, does not stop it), else "".
	Formatted string `json:"formatted"`
	Errors    int    `json:"errors"`
}

func (s *Server) analyze(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, analyse(r.URL.Query().Get("q"), s.opt.Lang))
}

func analyse(src string, cfg lang.Config) analysis {
	u := newUnits(src)
	sp := func(start, end int) span { return span{u.at(start), u.at(end)} }
	a := analysis{Tokens: []token{}, Diagnostics: []diagnostic{}}
	for _, t := range ide.Classify(src) {
		a.Tokens = append(a.Tokens, token{sp(t.Span.Start, t.Span.End), t.Kind.String()})
	}
	f := lang.Analyze(src, cfg)
	for _, d := range f.Diagnostics {
		out := diagnostic{span: sp(d.Span.Start, d.Span.End), Severity: d.Severity.String(), Code: string(d.Code), Message: d.Message}
		for _, fx := range d.Fixes {
			out.Fixes = append(out.Fixes, fix{Title: fx.Title, Safe: fx.Safe, Edits: edits(u, fx.Edits)})
		}
		a.Diagnostics = append(a.Diagnostics, out)
	}
	a.Errors = f.Diagnostics.Count(diag.Error)
	if text, diags := lang.Format(src); text != "" && !diags.HasErrors() {
		a.Formatted = text
	}
	return a
}

func edits(u units, in []diag.Edit) []edit {
	out := make([]edit, 0, len(in))
	for _, e := range in {
		out = append(out, edit{span{u.at(e.Span.Start), u.at(e.Span.End)}, e.NewText})
	}
	return out
}

type completion struct {
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Detail string `json:"detail,omitempty"`
	Doc    string `json:"doc,omitempty"`
	Insert string `json:"insert"`
	span
}

// complete answers the completions at the cursor, from lang/ide as in the editor and the REPL.
func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	at, ok := cursor(w, q.Get("at"))
	if !ok {
		return
	}
	writeJSON(w, map[string]any{"items": completions(q.Get("q"), at, s.opt.Lang)})
}

// edit answers what a keystroke in the filter bar needs in one request: the analysis and,
// when the cursor's offset is given, the completions there.
func (s *Server) edit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	src := q.Get("q")
	out := map[string]any{"analysis": analyse(src, s.opt.Lang)}
	if q.Has("at") {
		at, ok := cursor(w, q.Get("at"))
		if !ok {
			return
		}
		out["items"] = completions(src, at, s.opt.Lang)
	}
	writeJSON(w, out)
}

// cursor reads the cursor's offset, answering the request when it is not one.
func cursor(w http.ResponseWriter, v string) (int, bool) {
	at, err := strconv.Atoi(v)
	if err != nil || at < 0 {
		writeError(w, http.StatusBadRequest, "at: want the cursor's offset, a number from 0")
		return 0, false
	}
	return at, true
}

// completions converts the completions of lang/ide at offset at (UTF-16 code units).
func completions(src string, at int, cfg lang.Config) []completion {
	u := newUnits(src)
	out := []completion{}
	for _, it := range ide.Complete(src, bytesAt(src, at), cfg) {
		out = append(out, completion{Label: it.Label, Kind: it.Kind.String(), Detail: it.Detail, Doc: it.Documentation,
			Insert: it.InsertText, span: span{u.at(it.Replace.Start), u.at(it.Replace.End)}})
	}
	return out
}

// hover answers what the editor's hover says of the word at offset at: a field's type and
// description, an operator's meaning, what a string matches.
func (s *Server) hover(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	at, ok := cursor(w, q.Get("at"))
	if !ok {
		return
	}
	src := q.Get("q")
	h, found := ide.HoverAt(src, bytesAt(src, at), s.opt.Lang)
	if !found {
		writeJSON(w, map[string]any{})
		return
	}
	u := newUnits(src)
	writeJSON(w, map[string]any{"text": h.Text, "s": u.at(h.Span.Start), "e": u.at(h.Span.End)})
}
