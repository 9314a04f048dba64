package editors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/katafilter/katafilter/internal/testenv"
)

// TestNeovimLanguageServer opens a .kfl file in the real Neovim with the plugin of neovim/
// as a user installs it, with the katafilter binary built from this repository on PATH: the
// plugin must start the language server by itself (vim.lsp.start on Neovim 0.8 and newer,
// vim.lsp.start_client on 0.7, which Debian ships) and the buffer must get the server's
// diagnostics, at byte columns after a Cyrillic string. A second buffer in the same directory
// shares the client. A YAML rule file gets the diagnostics of its filter too, and completion
// through the omnifunc that the plugin sets (<C-x><C-o>, as a user types it) inserts the
// event type once, in a .kfl buffer and inside a double-quoted YAML value.
func TestNeovimLanguageServer(t *testing.T) {
	nvim := testenv.LookPath(t, "nvim", "Debian: apt-get install neovim")
	dir, bin := katafilterDir(t)
	first := filepath.Join(dir, "a.kfl")
	second := filepath.Join(dir, "b.kfl")
	if err := os.WriteFile(first, []byte("# rules\nUserName == 'Иван' AND EventType == 'proces'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, []byte("EventType == 'process' AND filename == 'x'\nEventType == 'pro\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte("rules:\n  - filter: \"EventType == 'proces'\"\n  - filter: \"EventType == 'pro\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lua := `
local picked = {}
function _G.kf_wait_menu()
  picked.menu = vim.wait(10000, function() return vim.fn.pumvisible() == 1 end, 20)
end
-- complete types <C-x><C-o> at the end of line lnum (before its last character with
-- before_last), accepts the first item and returns the line.
local function complete(lnum, before_last)
  vim.api.nvim_win_set_cursor(0, { lnum, 0 })
  local keys = (before_last and '$i' or 'A') .. '<C-x><C-o><Cmd>lua _G.kf_wait_menu()<CR><C-y><Esc>'
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'x', false)
  return tostring(picked.menu) .. ' ' .. vim.api.nvim_buf_get_lines(0, lnum - 1, lnum, false)[1]
end
local function diags(buf)
  local ok = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  local s = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(s, string.format('%d:%d-%d:%d %s', d.lnum, d.col, d.end_lnum, d.end_col, tostring(d.code)))
  end
  return tostring(ok) .. ' ' .. table.concat(s, ',')
end
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.KF_FIRST))
local a = vim.api.nvim_get_current_buf()
local da = diags(a)
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.KF_SECOND))
local b = vim.api.nvim_get_current_buf()
local db = diags(b)
local omni = vim.bo[b].omnifunc
local cb = complete(2)
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.KF_RULES))
local r = vim.api.nvim_get_current_buf()
local dr = diags(r)
local cr = complete(3, true)
local names = {}
for _, c in pairs(vim.lsp.get_active_clients()) do table.insert(names, c.name) end
vim.fn.writefile({
  'api=' .. (vim.lsp.start and 'start' or 'start_client'),
  'first=' .. da,
  'second=' .. db,
  'omnifunc=' .. omni,
  'complete=' .. cb,
  'rules=' .. dr,
  'rules_complete=' .. cr,
  'clients=' .. table.concat(names, ','),
  'warnings=' .. table.concat(warnings, ' | '),
}, vim.env.KF_OUT)
`
	got := runNeovimLSP(t, nvim, dir, bin, lua, "KF_FIRST="+first, "KF_SECOND="+second, "KF_RULES="+rules)
	t.Logf("Neovim used vim.lsp.%s", got["api"])
	wantValues(t, got, map[string]string{
		// 'Иван' is 8 bytes (4 characters): the string 'proces' starts at byte 40 of line 1.
		"first":    "true 1:40-1:48 KF0400",
		"second":   "true 0:27-0:35 KF0201,1:13-1:17 KF0101",
		"omnifunc": "v:lua.vim.lsp.omnifunc",
		"complete": "true EventType == 'process'",
		// The filter's diagnostic in the YAML file, at its byte columns.
		"rules":          "true 1:26-1:34 KF0400,2:26-2:30 KF0101",
		"rules_complete": `true   - filter: "EventType == 'process'"`,
		"clients":        "katafilter",
		"warnings":       "",
	})
}
