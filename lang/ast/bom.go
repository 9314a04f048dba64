package ast

import "strings"

// BOM is the UTF-8 byte order mark that some editors write at the start of a text file.
const BOM = "\ufeff"

// bomPrefix returns the byte order mark at the start of src, or "".
func bomPrefix(src string) string {
	if strings.HasPrefix(src, BOM) {
		return BOM
	}
	return ""
}
