package lsp_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/katafilter/katafilter/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveKatafilter()
	os.Exit(code)
}

// TestListenTCP runs "katafilter lsp --listen 127.0.0.1:0" and holds a session over TCP.
func TestListenTCP(t *testing.T) {
	bin := testenv.Katafilter(t)
	cmd := exec.Command(bin, "lsp", "--listen", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	sc := bufio.NewScanner(stderr)
	addr := ""
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "katafilter lsp: listening on "); ok {
			addr = a
			break
		}
	}
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("no listening address on stderr (got %q)", addr)
	}
	go io.Copy(io.Discard, stderr)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(nc))
	conn.Go(context.Background(), jsonrpc2.MethodNotFoundHandler)
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var res struct {
		ServerInfo struct{ Name string } `json:"serverInfo"`
	}
	if _, err := conn.Call(ctx, "initialize", map[string]any{"capabilities": map[string]any{}}, &res); err != nil {
		t.Fatal(err)
	}
	if res.ServerInfo.Name != "katafilter" {
		t.Errorf("serverInfo %+v", res.ServerInfo)
	}
	conn.Notify(ctx, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": "file:///t.kfl", "languageId": "katafilter", "version": 1, "text": "EventType == 'proces'"}})
	var rep struct {
		Items []struct{ Code string } `json:"items"`
	}
	if _, err := conn.Call(ctx, "textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": "file:///t.kfl"}}, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 1 || rep.Items[0].Code != "KF0400" {
		t.Errorf("diagnostics over TCP: %+v", rep.Items)
	}
	if _, err := conn.Call(ctx, "shutdown", nil, nil); err != nil {
		t.Fatal(err)
	}
	conn.Notify(ctx, "exit", nil)
}

// TestNeovim has Neovim's built-in LSP client start "katafilter lsp" as a separate process,
// open a .kfl file, and report the diagnostics, completion and hover it got. Neovim reports
// diagnostic columns in bytes, so the Cyrillic line checks that the server's UTF-16 columns
// were understood exactly.
func TestNeovim(t *testing.T) {
	nvim := testenv.LookPath(t, "nvim", "install Debian's neovim (apt-get install -y neovim) to run this end-to-end test")
	bin := testenv.Katafilter(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "filters.kfl")
	text := "UserName == 'Иванов' AND hostname == 'x'\nEventType == \n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/nvim_client.lua")
	if err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(dir, "out.txt")
	// The deadline only keeps a broken client from hanging the test run.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-n", "-c", "luafile "+script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KF_BIN="+bin, "KF_FILE="+file, "KF_OUT="+outFile, "XDG_STATE_HOME="+dir, "XDG_DATA_HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, out)
	}
	got, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatalf("nvim wrote no results: %v", err)
	}
	want := []string{
		// bytes 31-39: 'Иванов' is 6 UTF-16 units but 12 bytes.
		"diagnostic 0:31-0:39 KF0201 field names are case-sensitive: hostname is written HostName",
		"diagnostic 1:13-1:13 KF0100 expected a value (a 'string', an integer, true or false), found end of filter",
		"completion 'process'",
		"completion 'process_terminate'",
		"completion count 16",
		"hover 0:12-0:20 `'Иванов'` matches exactly \"Иванов\".",
		"stopped true",
	}
	if g := strings.TrimSpace(string(got)); g != strings.Join(want, "\n") {
		t.Errorf("Neovim saw:\n%s\nwant:\n%s", g, strings.Join(want, "\n"))
	}
}
