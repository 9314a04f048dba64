package sql

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
)

// Query is a SQL text and its arguments, written with the placeholders of the dialect's
// driver: ? for clickhouse-go, $1, $2, ... for pgx.
type Query struct {
	SQL     string
	Args    []any
	Dialect Dialect
}

// Inline returns the SQL with every argument written in its place as a literal, for reading
// or for pasting into clickhouse-client or psql.
func (q Query) Inline() (string, error) {
	var b strings.Builder
	next := 0
	s := q.SQL
	for i := 0; i < len(s); i++ {
		c := s[i]
		var idx int
		switch {
		case q.Dialect == ClickHouse && c == '?':
			idx = next
			next++
		case q.Dialect == Postgres && c == '$' && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(s[i+1 : j])
			idx = n - 1
			i = j - 1
		default:
			b.WriteByte(c)
			continue
		}
		if idx < 0 || idx >= len(q.Args) {
			return "", fmt.Errorf("sql: placeholder %d has no argument", idx+1)
		}
		lit, err := q.Dialect.literal(q.Args[idx])
		if err != nil {
			return "", err
		}
		b.WriteString(lit)
	}
	return b.String(), nil
}

// Error is a filter the translator refuses, because the dialect cannot give exactly the
// evaluator's answer for one of its constructs: the construct's span, a stable code
// (KF09xx, documented in docs/diagnostics.md) and a message.
type Error struct {
	Span    ast.Span
	Code    diag.Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%v error[%s]: %s", e.Span, e.Code, e.Message) }

// Diagnostic returns the refusal as a diagnostic, to be rendered like the checker's.
func (e *Error) Diagnostic() diag.Diagnostic {
	return diag.Diagnostic{Span: e.Span, Severity: diag.Error, Code: e.Code, Message: e.Message}
}

// Translate returns the filter f as a SQL boolean expression over the table of layout l: true
// exactly for the rows of the events the evaluator matches (with opts.IgnoreCase as the
// evaluator's option; f should have been analysed with the same). Only opts.IgnoreCase
// matters here. A filter with errors is refused with its diagnostics ([diag.ListError]); a
// construct the dialect cannot decide exactly with an [*Error].
func Translate(f *lang.Filter, l Layout, opts QueryOptions) (Query, error) {
	if !l.Dialect.valid() {
		return Query{}, fmt.Errorf("sql: invalid dialect %d", l.Dialect)
	}
	if err := f.Diagnostics.Err(); err != nil {
		return Query{}, err
	}
	if f.Expr == nil || f.Info == nil {
		return Query{}, errors.New("sql: the filter has no tree to translate")
	}
	t := &translator{d: l.Dialect, info: f.Info, fold: opts.IgnoreCase}
	s, err := t.expr(f.Expr)
	if err != nil {
		return Query{}, err
	}
	s, args := t.finish(s, 0)
	return Query{SQL: s, Args: args, Dialect: l.Dialect}, nil
}

type translator struct {
	d    Dialect
	info *check.Info
	fold bool
	args []any
}

// arg adds an argument and returns a mark for it, which [translator.finish] replaces by the
// placeholder of the dialect once the text is complete, numbering the arguments in the order
// of the text (ClickHouse's ? are positional), whatever order they were made in.
func (t *translator) arg(v any) string {
	t.args = append(t.args, v)
	return "\x00" + strconv.Itoa(len(t.args)-1) + "\x00"
}

// finish replaces the marks of the arguments in s by placeholders, numbered from base+1,
// and returns the arguments in the order of the text.
func (t *translator) finish(s string, base int) (string, []any) {
	var b strings.Builder
	var args []any
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			b.WriteString(s)
			return b.String(), args
		}
		j := strings.IndexByte(s[i+1:], 0) + i + 1
		n, _ := strconv.Atoi(s[i+1 : j])
		args = append(args, t.args[n])
		b.WriteString(s[:i])
		b.WriteString(t.d.placeholder(base + len(args)))
		s = s[j+1:]
	}
}

func (t *translator) expr(x ast.Expr) (string, error) {
	switch x := x.(type) {
	case *ast.Paren:
		return t.expr(x.X)
	case *ast.Not:
		s, err := t.expr(x.X)
		if err != nil {
			return "", err
		}
		return "NOT " + s, nil
	case *ast.Binary:
		// A chain of one operator is written flat, (a AND b AND c), not nested two by two:
		// the engines parse a flat chain as one list, while a nested one is as deep as the
		// chain is long (3,000 ANDs nested overflowed ClickHouse 18.16's parser, server and all).
		parts := make([]string, 0, 2)
		for _, o := range ast.AppendOperands(nil, x, x.Op) {
			s, err := t.expr(o)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		op := " OR "
		if x.Op == ast.And {
			op = " AND "
		}
		return "(" + strings.Join(parts, op) + ")", nil
	case *ast.Compare:
		if x.Op == ast.Ne {
			s, err := t.atom(x.Field, ast.Eq, []*ast.Literal{x.Value}, x)
			if err != nil {
				return "", err
			}
			return "NOT " + s, nil
		}
		return t.atom(x.Field, x.Op, []*ast.Literal{x.Value}, x)
	case *ast.In:
		return t.atom(x.Field, ast.Eq, x.Values, x)
	}
	return "", fmt.Errorf("sql: cannot translate %T", x)
}

// atom translates one comparison (== or an ordering, or in: == against each value) of field
// f: some value at the field's path satisfies it. The expression is never NULL.
func (t *translator) atom(f *ast.Field, op ast.CmpOp, vals []*ast.Literal, x ast.Expr) (string, error) {
	keys := t.info.Path(f)
	for _, k := range keys {
		if !eval.NameableKey(k) {
			return "", fmt.Errorf("sql: the field %s has a key that is not a name (the checker refuses it)", f.Name)
		}
	}
	path := strings.Join(keys, ".")
	var pats []ast.Pattern
	var ints []int64
	var bools []bool
	for _, v := range vals {
		switch v.Kind {
		case ast.String:
			p, ok := t.info.Patterns[v]
			if !ok || v.Unterminated {
				return "", fmt.Errorf("sql: the string at %v has no meaning", v.LitSpan)
			}
			if err := t.checkText(p, v); err != nil {
				return "", err
			}
			pats = append(pats, p)
		case ast.Int:
			n, ok := t.info.Ints[v]
			if !ok {
				return "", fmt.Errorf("sql: the integer at %v has no value", v.LitSpan)
			}
			ints = append(ints, n)
		case ast.Bool:
			bools = append(bools, strings.EqualFold(v.Raw, "true"))
		}
	}
	var parts []string
	if len(pats) > 0 {
		if op != ast.Eq {
			return "", fmt.Errorf("sql: an ordering of strings at %v (the checker refuses it)", x.Span())
		}
		parts = append(parts, t.strs(path, pats))
	}
	if len(ints) > 0 {
		parts = append(parts, t.numbers(path, op, ints))
	}
	if len(bools) > 0 && op == ast.Eq {
		parts = append(parts, t.bools(path, bools))
	}
	switch len(parts) {
	case 0:
		return t.falseExpr(), nil
	case 1:
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

func (t *translator) falseExpr() string {
	if t.d == ClickHouse {
		return "0"
	}
	return "FALSE"
}

func (t *translator) trueExpr() string {
	if t.d == ClickHouse {
		return "1"
	}
	return "TRUE"
}

// checkText refuses the text of a string constant that the dialect cannot compare exactly.
func (t *translator) checkText(p ast.Pattern, v *ast.Literal) error {
	for _, s := range p.Segs {
		if s.Kind != ast.Text {
			continue
		}
		if !utf8.ValidString(s.Text) {
			return fmt.Errorf("sql: the string at %v is not UTF-8 (the checker refuses it)", v.LitSpan)
		}
		if t.d == Postgres && strings.IndexByte(s.Text, 0) >= 0 {
			return &Error{Span: v.LitSpan, Code: diag.SQLNulOnPostgres, Message: "the string holds the character U+0000, which PostgreSQL text cannot hold"}
		}
	}
	return nil
}
