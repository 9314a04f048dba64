package sql

import (
	"fmt"
	"strconv"
	"strings"
)

// Dialect is a SQL engine the translator writes for.
type Dialect int

// The dialects.
const (
	ClickHouse Dialect = iota + 1 // ClickHouse, 18.16 and current
	Postgres                      // PostgreSQL 15 and later
)

func (d Dialect) String() string {
	switch d {
	case ClickHouse:
		return "clickhouse"
	case Postgres:
		return "postgres"
	}
	return "invalid"
}

// ParseDialect reads "clickhouse" or "postgres" (also "postgresql"), in any case.
func ParseDialect(s string) (Dialect, error) {
	switch strings.ToLower(s) {
	case "clickhouse":
		return ClickHouse, nil
	case "postgres", "postgresql":
		return Postgres, nil
	}
	return 0, fmt.Errorf("unknown SQL dialect %q: want clickhouse or postgres", s)
}

func (d Dialect) valid() bool { return d == ClickHouse || d == Postgres }

// quoteIdent quotes an identifier: backticks for ClickHouse, double quotes for PostgreSQL.
func (d Dialect) quoteIdent(s string) string {
	if d == ClickHouse {
		return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(s) + "`"
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteTable quotes a table name, which may be qualified by a database (ClickHouse) or a
// schema (PostgreSQL): db.table.
func (d Dialect) quoteTable(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = d.quoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// placeholder returns the placeholder of the n-th argument (from 1).
func (d Dialect) placeholder(n int) string {
	if d == ClickHouse {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// literal writes v, an argument of a [Query], as a SQL literal of the dialect.
func (d Dialect) literal(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return d.quoteString(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case bool:
		if d == ClickHouse {
			if x {
				return "1", nil
			}
			return "0", nil
		}
		if x {
			return "TRUE", nil
		}
		return "FALSE", nil
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = d.quoteString(s)
		}
		if d == ClickHouse {
			return "[" + strings.Join(parts, ", ") + "]", nil
		}
		return "ARRAY[" + strings.Join(parts, ", ") + "]", nil // the SQL casts it
	case []int64:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.FormatInt(n, 10)
		}
		if d == ClickHouse {
			return "[" + strings.Join(parts, ", ") + "]", nil
		}
		return "ARRAY[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("sql: no literal for an argument of type %T", v)
}

// quoteString writes s as a string literal. ClickHouse reads backslash escapes in literals;
// PostgreSQL (standard_conforming_strings, the default since 9.1) does not: there a quote is
// doubled and every other byte stands for itself.
func (d Dialect) quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' && d == Postgres:
			b.WriteString("''")
		case d == Postgres:
			b.WriteByte(c)
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
