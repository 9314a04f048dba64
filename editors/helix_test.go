package editors

import (
	"slices"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestHelixLanguagesTOML parses helix/languages.toml (Helix itself is not packaged in
// Debian) and checks what Helix 23.10 and newer read from it: the katafilter language with
// its server, the server's command, and yaml and json with katafilter next to their default
// servers.
func TestHelixLanguagesTOML(t *testing.T) {
	var cfg struct {
		Language []struct {
			Name            string   `toml:"name"`
			Scope           string   `toml:"scope"`
			FileTypes       []string `toml:"file-types"`
			CommentToken    string   `toml:"comment-token"`
			LanguageServers []string `toml:"language-servers"`
			Roots           []string `toml:"roots"`
			Indent          struct {
				TabWidth int    `toml:"tab-width"`
				Unit     string `toml:"unit"`
			} `toml:"indent"`
			AutoPairs map[string]string `toml:"auto-pairs"`
		} `toml:"language"`
		LanguageServer map[string]struct {
			Command string         `toml:"command"`
			Args    []string       `toml:"args"`
			Config  map[string]any `toml:"config"`
		} `toml:"language-server"`
	}
	md, err := toml.DecodeFile("helix/languages.toml", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if u := md.Undecoded(); len(u) > 0 { // a misspelt key, which Helix would refuse
		t.Errorf("keys the test does not know: %v", u)
	}
	servers := map[string][]string{}
	for _, l := range cfg.Language {
		servers[l.Name] = l.LanguageServers
		if l.Name == "katafilter" && (!slices.Equal(l.FileTypes, []string{"kfl"}) || l.CommentToken != "#") {
			t.Errorf("katafilter language: %+v", l)
		}
	}
	want := map[string][]string{
		"katafilter": {"katafilter"},
		"yaml":       {"yaml-language-server", "katafilter"},
		"json":       {"vscode-json-language-server", "katafilter"},
	}
	for name, w := range want {
		if !slices.Equal(servers[name], w) {
			t.Errorf("language %s: servers %v, want %v", name, servers[name], w)
		}
	}
	ks := cfg.LanguageServer["katafilter"]
	if ks.Command != "katafilter" || !slices.Equal(ks.Args, []string{"lsp"}) || ks.Config["strict"] != false {
		t.Errorf("language-server.katafilter: %+v", ks)
	}
}
