package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/schema"
)

func init() {
	register(&command{name: "fields", summary: "list the fields filters can use, with types and known values", run: runFields})
}

const fieldsSynopsis = `fields [--schema FILE] [--format table|json] [PATTERN]

Fields lists the schema: every field a filter may name, its type, the values it is known to
take and its description. The type of a field whose path crosses a JSON array (a filter
matches when any element does) is shown with [] (string[]).

PATTERN selects fields by name or alias, without regard to case: a glob when it holds * or ?
(Ioa.*, *Md5), otherwise a substring (pid). With --format json the output is the full data
in the shape of a schema file, so it can be edited and passed back with --schema.

Exit status: 0 on success, 1 when no field matches PATTERN or the schema cannot be loaded,
2 on a usage error.`

func runFields(env *cmdEnv, args []string) int {
	fs := newFlags(env, "fields", fieldsSynopsis)
	format := fs.String("format", "table", "output `format`: table or json")
	schemaFile := fs.String("schema", "", "extend the built-in field schema with this JSON or YAML `file`")
	pos, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if *format != "table" && *format != "json" {
		return usageError(env, "fields", "--format must be table or json, not %q", *format)
	}
	if len(pos) > 1 {
		return usageError(env, "fields", "at most one PATTERN, got %d arguments", len(pos))
	}
	s := schema.Default()
	if *schemaFile != "" {
		var err error
		if s, err = loadSchema(*schemaFile); err != nil {
			fmt.Fprintf(env.stderr, "katafilter fields: %v\n", err)
			return 1
		}
	}
	fields := s.Fields()
	if len(pos) == 1 {
		fields = lang.SelectFields(s, pos[0])
		if len(fields) == 0 {
			msg := fmt.Sprintf("katafilter fields: no field matches %q", pos[0])
			if sug := s.Suggest(pos[0]); len(sug) > 0 {
				msg += "; did you mean " + strings.Join(sug, " or ") + "?"
			}
			fmt.Fprintln(env.stderr, msg)
			return 1
		}
	}
	if *format == "json" {
		return writeFieldsJSON(env, fields)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tVALUES\tDESCRIPTION")
	for _, f := range fields {
		desc := strings.Join(strings.Fields(f.Description), " ")
		if f.NotInTable {
			desc = "(not in the events API's field table) " + desc
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.Join(append([]string{f.Name}, f.Aliases...), ", "),
			typeName(f), shortValues(f.Values, 40), desc)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(env.stderr, "katafilter fields: %v\n", err)
		return 1
	}
	return 0
}

func typeName(f *schema.Field) string {
	if f.Array {
		return f.Type.String() + "[]"
	}
	return f.Type.String()
}

// shortValues lists the values, cut after about width characters with a count of the rest.
func shortValues(vals []schema.Value, width int) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			if utf8.RuneCountInString(b.String())+2+utf8.RuneCountInString(v.Text) > width {
				fmt.Fprintf(&b, ", … (+%d)", len(vals)-i)
				break
			}
			b.WriteString(", ")
		}
		b.WriteString(v.Text)
	}
	return b.String()
}

// writeFieldsJSON prints the fields in the shape of a schema file, which --schema accepts.
func writeFieldsJSON(env *cmdEnv, fields []*schema.Field) int {
	b, err := schema.MarshalFields(fields)
	if err == nil {
		_, err = env.stdout.Write(b)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter fields: %v\n", err)
		return 1
	}
	return 0
}
