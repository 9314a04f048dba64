package diag

// Code is a stable diagnostic code, such as KF0200. Codes never change meaning once released;
// docs/diagnostics.md documents each one with an example and its fix.
type Code string

// The diagnostic codes. The groups are: 01xx syntax, 02xx fields, 03xx types, 04xx values,
// 05xx logic, 09xx translation to SQL (lang/sql).
const (
	SyntaxError        Code = "KF0100" // the text is not a filter
	UnterminatedString Code = "KF0101" // a string has no closing quote
	UnknownEscape      Code = "KF0102" // a backslash before a character that needs no escape
	TrailingBackslash  Code = "KF0103" // a backslash escapes the closing quote, or nothing
	IntegerRange       Code = "KF0104" // an integer does not fit in 64 bits
	SingleEquals       Code = "KF0105" // = written for ==
	DoubleQuotes       Code = "KF0106" // a string in double quotes
	LogicalSymbol      Code = "KF0107" // && || ! written for AND OR NOT
	PathStar           Code = "KF0110" // \* or \? (a literal star) right after a path-like segment
	InvalidUTF8        Code = "KF0111" // a string constant whose bytes are not UTF-8

	UnknownField    Code = "KF0200" // no such field
	FieldCase       Code = "KF0201" // a field written in the wrong case
	FieldMalformed  Code = "KF0202" // a field name with an empty segment, e.g. a stray trailing dot
	FieldNotInTable Code = "KF0203" // a field real events carry that the events API's field table lacks

	TypeMismatch     Code = "KF0300" // a constant of the wrong type for the field
	OrderingOnString Code = "KF0301" // > >= < <= on a string or boolean field
	WildcardOnNumber Code = "KF0302" // a wildcard pattern against an integer field

	UnknownValue   Code = "KF0400" // a value the field is not known to take
	EmptyIn        Code = "KF0401" // in () with no values
	DuplicateValue Code = "KF0402" // the same value twice in an in list

	MultipleEventTypes Code = "KF0500" // a filter that selects more than one event type
	NeverTrue          Code = "KF0501" // a filter, or part of one, that can never be true

	SQLNulOnPostgres Code = "KF0900" // a string constant with U+0000, which PostgreSQL cannot store
)

// CodeInfo describes a code for documentation and tools (SARIF rules, LSP code descriptions).
type CodeInfo struct {
	Code     Code
	Name     string   // a short kebab-case name
	Severity Severity // the default severity
	Summary  string
}

// Codes lists every code in order.
var Codes = []CodeInfo{
	{SyntaxError, "syntax-error", Error, "The text is not a valid filter."},
	{UnterminatedString, "unterminated-string", Error, "A string constant has no closing quote."},
	{UnknownEscape, "unknown-escape", Error, `A backslash is followed by a character other than \ ' * ?.`},
	{TrailingBackslash, "escaped-closing-quote", Error, "A backslash at the end of a string escapes its closing quote."},
	{IntegerRange, "integer-out-of-range", Error, "An integer constant does not fit in a signed 64-bit integer."},
	{SingleEquals, "single-equals", Error, "= is not an operator; comparison is ==."},
	{DoubleQuotes, "double-quotes", Error, "String constants are written in single quotes."},
	{LogicalSymbol, "logical-symbol", Error, "&&, || and ! are not operators; use AND, OR and NOT."},
	{PathStar, "literal-star-after-path", Warning, `An escaped wildcard \* or \? right after a path-like segment: a literal character, where a folder followed by anything (\\*) was likely meant.`},
	{InvalidUTF8, "invalid-utf8", Error, "A string constant holds bytes that are not UTF-8, so it can never match an event."},
	{UnknownField, "unknown-field", Error, "The field is not in the schema."},
	{FieldCase, "field-case", Error, "The field exists, written in another case."},
	{FieldMalformed, "field-malformed", Error, "A field name has an empty segment, such as a stray trailing dot."},
	{FieldNotInTable, "field-not-in-table", Warning, "The field is carried by real events but not listed in the events API's field table; whether KATA's filter accepts it is not documented."},
	{TypeMismatch, "type-mismatch", Error, "The constant's type differs from the field's."},
	{OrderingOnString, "ordering-on-string", Error, "> >= < <= apply to integer fields only."},
	{WildcardOnNumber, "wildcard-on-integer", Error, "A wildcard pattern is compared with an integer field."},
	{UnknownValue, "unknown-value", Error, "The field is not known to take this value (an error for fields whose values are all known)."},
	{EmptyIn, "empty-in", Error, "An in list has no values."},
	{DuplicateValue, "duplicate-value", Warning, "The same value appears twice in an in list."},
	{MultipleEventTypes, "multiple-event-types", Warning, "The filter selects more than one event type; KATA wants one request per event type."},
	{NeverTrue, "never-true", Warning, "The filter, or a conjunction in it, can never be true."},
	{SQLNulOnPostgres, "sql-nul-postgres", Error, "A string constant holds U+0000, which PostgreSQL text cannot hold."},
}

// Lookup returns the description of code c.
func Lookup(c Code) (CodeInfo, bool) {
	for _, ci := range Codes {
		if ci.Code == c {
			return ci, true
		}
	}
	return CodeInfo{}, false
}

// DocsURL is where the codes are documented; tools append "#" and the lower-case code.
const DocsURL = "https://github.com/katafilter/katafilter/blob/main/docs/diagnostics.md"

// URL returns the documentation link of code c.
func (c Code) URL() string { return DocsURL + "#" + toLower(string(c)) }

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
