package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/schema"
	"github.com/katafilter/katafilter/lang/schema/schemafile"
)

// settings are what the client configures, through initializationOptions and
// workspace/didChangeConfiguration, either flat or under a "katafilter" key:
//
//	{"schemaFile": "fields.yaml", "ignoreCase": false, "strict": false, "allowUnknownFields": false}
type settings struct {
	SchemaFile         string `json:"schemaFile"`
	IgnoreCase         bool   `json:"ignoreCase"`
	Strict             bool   `json:"strict"`
	AllowUnknownFields bool   `json:"allowUnknownFields"`

	root string      // the workspace folder, against which a relative schemaFile is read
	cfg  lang.Config // the language configuration built from the above
}

// parseSettings reads settings from a JSON value; null or absent means the defaults.
func parseSettings(raw json.RawMessage, root string) (*settings, error) {
	st := &settings{root: root}
	if len(raw) == 0 || string(raw) == "null" {
		return st, st.load()
	}
	var nested struct {
		Katafilter *json.RawMessage `json:"katafilter"`
	}
	if err := json.Unmarshal(raw, &nested); err == nil && nested.Katafilter != nil {
		raw = *nested.Katafilter
	}
	if err := json.Unmarshal(raw, st); err != nil {
		return &settings{root: root}, fmt.Errorf("invalid settings: %v", err)
	}
	return st, st.load()
}

// load builds the language configuration, reading the schema file if one is set. On error the
// built-in schema is used.
func (st *settings) load() error {
	st.cfg = lang.Config{IgnoreCase: st.IgnoreCase, Strict: st.Strict, AllowUnknownFields: st.AllowUnknownFields}
	if st.SchemaFile == "" {
		return nil
	}
	path := st.SchemaFile
	if !filepath.IsAbs(path) && st.root != "" {
		path = filepath.Join(st.root, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("schema file: %v", err)
	}
	s, err := schemafile.Extend(schema.Default(), data, path)
	if err != nil {
		return fmt.Errorf("schema file: %v", err)
	}
	st.cfg.Schema = s
	return nil
}

// rootPath returns the local path of the workspace root, or "".
func rootPath(p *protocol.InitializeParams) string {
	u := p.RootURI
	if len(p.WorkspaceFolders) > 0 {
		u = protocol.DocumentURI(p.WorkspaceFolders[0].URI)
	}
	if u == "" {
		return p.RootPath
	}
	if !uri.URI(u).IsFile() {
		return ""
	}
	return uri.URI(u).FsPath()
}

// applySettings installs new settings: every open document is re-analysed with them and its
// diagnostics published again. A problem (an unreadable schema file) is shown to the user.
func (s *server) applySettings(st *settings, err error) {
	if err != nil {
		s.logf("%v", err)
		// Not from this goroutine, which reads the client's messages: a write may wait for
		// the client to read.
		go s.notify("window/showMessage", &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning,
			Message: "katafilter: " + err.Error() + "; using the built-in schema"})
	}
	s.settings.Store(st)
	s.reload()
}

func init() {
	register("workspace/didChangeConfiguration", route{notification: true,
		run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
			var p struct {
				Settings json.RawMessage `json:"settings"`
			}
			if err := decode(params, &p); err != nil {
				return nil, err
			}
			st, err := parseSettings(p.Settings, s.settings.Load().root)
			s.applySettings(st, err)
			return nil, nil
		}})
}
