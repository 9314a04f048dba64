package lsp

import (
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/katafilter/katafilter/rulefile"
)

// kindOf says how a document is read: by its language id (katafilter, yaml, json), or by
// its name's extension for other ids; a document of neither kind is read as a .kfl file.
func kindOf(u protocol.DocumentURI, langID string) rulefile.Kind {
	switch strings.ToLower(langID) {
	case "katafilter", "kfl":
		return rulefile.KFL
	case "yaml":
		return rulefile.YAML
	case "json", "jsonc":
		return rulefile.JSON
	}
	if k := rulefile.KindOf(string(u)); k != 0 {
		return k
	}
	return rulefile.KFL
}

// docPath returns the local path of a document, "" for one that is not a file.
func docPath(u protocol.DocumentURI) string {
	if !uri.URI(u).IsFile() {
		return ""
	}
	return uri.URI(u).FsPath()
}

// configWarnings remembers the configuration problems already shown, so that each is shown
// once per session.
type configWarnings struct {
	mu   sync.Mutex
	seen map[string]bool
}

// docInfo finds out what a document is and which configuration applies to it: the
// .katafilter.yaml found in its directory or a parent, as lint finds it, so that the editor
// shows the verdict of CI; without one, the defaults with the client's settings. A YAML or
// JSON file that the configuration's include and exclude globs leave out, and the
// configuration file itself, have no filters.
func (s *server) docInfo(u protocol.DocumentURI, langID string) docInfo {
	info := docInfo{langID: langID, kind: kindOf(u, langID), selected: true}
	path := docPath(u)
	info.ck = s.checker(path)
	if info.kind != rulefile.KFL && path != "" {
		info.selected = filepath.Base(path) != rulefile.ConfigName && info.ck.Selected(path)
	}
	return info
}

// checker returns the configuration for the file at path ("" for a document that is not a
// file).
func (s *server) checker(path string) *rulefile.Checker {
	st := s.settings.Load()
	dir := st.root
	if path != "" {
		dir = filepath.Dir(path)
		file, err := rulefile.FindConfig(dir)
		if err == nil && file != "" {
			c, err := rulefile.LoadConfig(file)
			var ck *rulefile.Checker
			if err == nil {
				ck, err = rulefile.NewChecker(c)
			}
			if err == nil {
				return ck
			}
			s.warnConfig(err.Error())
		}
	}
	ck, _ := rulefile.NewChecker(rulefile.DefaultConfig(dir))
	ck.Lang = st.cfg
	return ck
}

// warnConfig shows a problem of a configuration file to the user, once.
func (s *server) warnConfig(msg string) {
	s.warned.mu.Lock()
	defer s.warned.mu.Unlock()
	if s.warned.seen[msg] {
		return
	}
	if s.warned.seen == nil {
		s.warned.seen = map[string]bool{}
	}
	s.warned.seen[msg] = true
	s.logf("%s", msg)
	go s.notify("window/showMessage", &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning,
		Message: "katafilter: " + msg + "; using the defaults"})
}

// reload reads every open document again with the configuration that applies to it now (after
// a change of settings or of a .katafilter.yaml) and publishes its diagnostics again.
func (s *server) reload() {
	for _, snap := range s.docs.all(func(old *snapshot) *snapshot {
		return newSnapshot(old.uri, old.version, old.doc.Text(), s.docInfo(old.uri, old.info.langID), nil)
	}) {
		s.diags.schedule(snap.uri)
	}
}

// isConfig reports whether a document is a configuration file, whose change affects the
// documents in its directory and below.
func isConfig(u protocol.DocumentURI) bool {
	return filepath.Base(docPath(u)) == rulefile.ConfigName
}
