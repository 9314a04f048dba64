package lsp

import (
	"github.com/katafilter/katafilter/rulefile"
)

// sinceHead says how the filter at byte offset off of a rule file changed since the last
// commit, for its hover: "changed since HEAD: broader: …", as lint --base HEAD would report
// it, but of the editor's buffer, not of the file on disk. It is "" for a filter that has not
// changed, a document that is not a file in a git work tree, or no filter at off.
func (d *ruleDoc) sinceHead(off int, path string) string {
	i, _, ok := d.siteAt(off)
	if !ok || path == "" {
		return ""
	}
	since := rulefile.NewSince("HEAD")
	old, existed, _, err := since.Old(path, false)
	if err != nil {
		return ""
	}
	for _, c := range rulefile.Changes(old, existed, d.kind, d.ck.Keys, d.sites) {
		if c.Site != i {
			continue
		}
		if c.New {
			return "new since HEAD"
		}
		return rulefile.DescribeChange(c.Old, d.sites[i].Map.Text, "HEAD", d.ck.Lang)
	}
	return ""
}
