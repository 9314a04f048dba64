package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/internal/testenv"
)

// These tests run the real katafilter binary (the test binary, put on $PATH as "katafilter"
// by testscript.Main) as a server on 127.0.0.1 and talk to it with curl and katafilter fetch.

type serveProc struct {
	t      *testing.T
	dir    string
	url    string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func startServe(t *testing.T, dir string, args ...string) *serveProc {
	t.Helper()
	os.Remove(filepath.Join(dir, "server.url"))
	cmd := exec.Command("katafilter", append([]string{"serve", "--listen", "127.0.0.1:0", "--state-dir", dir}, args...)...)
	p := &serveProc{t: t, dir: dir, cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "server.url")); err == nil && len(b) > 0 {
			p.url = strings.TrimSpace(string(b))
			return p
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the server did not start:\n%s", p.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (p *serveProc) stop() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		p.t.Errorf("server: %v\n%s", err, p.stderr)
	}
}

// run1 runs katafilter with args and returns stdout, stderr and the exit code.
func run1(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	return runStdin(t, env, nil, args...)
}

// runStdin is run1 with stdin as the program's standard input (none when nil).
func runStdin(t *testing.T, env []string, stdin io.Reader, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("katafilter", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

type ident struct{ dir, id, cert, key string }

func newIdent(t *testing.T) ident {
	t.Helper()
	dir := t.TempDir()
	out, stderr, code := run1(t, nil, "certs", "new", "--out", dir)
	if code != 0 {
		t.Fatalf("certs new: %s", stderr)
	}
	id, _ := os.ReadFile(filepath.Join(dir, "id"))
	if !strings.Contains(out, strings.TrimSpace(string(id))) {
		t.Fatalf("certs new did not print the ID: %s", out)
	}
	return ident{dir, strings.TrimSpace(string(id)), filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")}
}

func curl(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("curl", append([]string{"-sS", "-w", "\n%{http_code}"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	s := strings.TrimRight(string(out), "\n")
	i := strings.LastIndex(s, "\n")
	var code int
	fmt.Sscan(s[i+1:], &code)
	return s[:i], code
}

type answer struct {
	ContinuationToken string
	Events            []struct {
		EventType string
		RecordId  int
	}
}

func ingest(t *testing.T, p *serveProc, from, to int, typ string) {
	t.Helper()
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "{\"EventType\":%q,\"RecordId\":%d,\"HostName\":\"WS-%d\"}\n", typ, i, i%5)
	}
	f := filepath.Join(t.TempDir(), "events.jsonl")
	os.WriteFile(f, []byte(b.String()), 0o600)
	tok, _ := os.ReadFile(filepath.Join(p.dir, "ingest.token"))
	// The ingest endpoint, as documented: a bearer token and a JSON lines body.
	req := exec.Command("curl", "-sS", "--fail-with-body", "--cacert", filepath.Join(p.dir, "server.crt"),
		"-H", "Authorization: Bearer "+strings.TrimSpace(string(tok)), "--data-binary", "@"+f, p.url+"/katafilter/ingest")
	if out, err := req.CombinedOutput(); err != nil || !strings.Contains(string(out), fmt.Sprintf(`"accepted":%d`, to-from)) {
		t.Fatalf("ingest: %v %s", err, out)
	}
}

// TestCurlForms runs the command forms of the vendor's page with curl against katafilter serve.
func TestCurlForms(t *testing.T) {
	testenv.LookPath(t, "curl", "Debian: apt-get install curl; the vendor's command forms need it")
	p := startServe(t, t.TempDir())
	me := newIdent(t)
	ca := filepath.Join(p.dir, "server.crt")
	base := p.url + "/kata/events_api/v1/" + me.id + "/events"
	tls := []string{"--cacert", ca, "--cert", me.cert, "--key", me.key}

	// Unapproved: 401, and an integration request the administrator sees while the server runs.
	body, code := curl(t, append(tls, "-X", "GET", base)...)
	if code != 401 || !strings.Contains(body, "waiting for the administrator's approval") {
		t.Fatalf("unapproved: %d %s", code, body)
	}
	out, stderr, rc := run1(t, nil, "admin", "--state-dir", p.dir, "list")
	if rc != 0 || !strings.Contains(out, me.id) || !strings.Contains(out, "pending") {
		t.Fatalf("admin list: %d %s %s", rc, out, stderr)
	}
	if out, stderr, rc = run1(t, nil, "admin", "--state-dir", p.dir, "approve", me.id); rc != 0 || !strings.HasPrefix(out, "approved "+me.id) {
		t.Fatalf("admin approve: %d %s %s", rc, out, stderr)
	}
	ingest(t, p, 0, 6, "threatdetect")
	ingest(t, p, 6, 9, "process")

	// The first request.
	body, code = curl(t, append(tls, "-X", "GET", base)...)
	var a answer
	if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil || len(a.Events) != 9 {
		t.Fatalf("first request: %d %s", code, body)
	}
	// A subsequent request, in the page's form with "&" where "?" belongs.
	ingest(t, p, 9, 10, "process")
	body, code = curl(t, append(tls, "-X", "GET", base+"&continuation_token="+a.ContinuationToken+"&max_timeout=PT0S")...)
	if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil || len(a.Events) != 1 || a.Events[0].RecordId != 9 {
		t.Fatalf("subsequent request: %d %s", code, body)
	}
	// All the parameters, URL-encoded by hand.
	ingest(t, p, 10, 14, "threatprocessingresult")
	q := "filter=" + url.QueryEscape("EventType=='threatdetect' OR EventType=='threatprocessingresult'") +
		"&max_timeout=PT1S&max_events=3&continuation_token=" + a.ContinuationToken
	body, code = curl(t, append(tls, "-X", "GET", base+"?"+q)...)
	if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil || len(a.Events) != 3 || a.Events[0].RecordId != 10 {
		t.Fatalf("encoded parameters: %d %s", code, body)
	}
	// With --data-urlencode (and -G to stay a GET); the filter is sticky.
	body, code = curl(t, append(tls, "-G", base, "--data-urlencode", "max_timeout=PT1S", "--data-urlencode", "continuation_token="+a.ContinuationToken)...)
	if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil || len(a.Events) != 1 || a.Events[0].RecordId != 13 {
		t.Fatalf("--data-urlencode: %d %s", code, body)
	}
	// A bad filter: 400 with the checker's diagnostics.
	body, code = curl(t, append(tls, "-G", base, "--data-urlencode", "filter=EventType = 'process'")...)
	if code != 400 || !strings.Contains(body, `"diagnostics":[{"line":1,"column":11`) {
		t.Fatalf("bad filter: %d %s", code, body)
	}
	// No client certificate.
	body, code = curl(t, "--cacert", ca, "-X", "GET", base)
	if code != 401 {
		t.Fatalf("no certificate: %d %s", code, body)
	}
	if !strings.Contains(p.stderr.String(), "msg=request") {
		t.Fatalf("no access log:\n%s", p.stderr)
	}
}

// fetchArgs returns the arguments of katafilter fetch for identity me against servers.
func fetchArgs(me ident, ca string, urls ...string) []string {
	args := []string{"fetch", "--id", me.id, "--cert", me.cert, "--key", me.key, "--cacert", ca}
	for _, u := range urls {
		args = append(args, "--url", u)
	}
	return args
}

func recordIDs(t *testing.T, jsonl string) []int {
	t.Helper()
	var out []int
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	for sc.Scan() {
		var e struct{ RecordId int }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		out = append(out, e.RecordId)
	}
	return out
}

// fetchUntilKilled runs fetch --follow, reads its output and kills it (SIGKILL: no chance to
// save anything) once it has written at least n events; it returns the record IDs read.
func fetchUntilKilled(t *testing.T, n int, args ...string) []int {
	t.Helper()
	cmd := exec.Command("katafilter", append(args, "--follow")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	r := bufio.NewReader(stdout)
	for read := 0; read < n; read++ {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		out.WriteString(line)
	}
	cmd.Process.Kill()
	// What fetch wrote before it died is delivered, even if this test had not read it yet
	// (under load, the rest of an answer and the saved token may come before the kill); a
	// line the kill cut short is not.
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		out.WriteString(line)
	}
	cmd.Wait()
	ids := recordIDs(t, out.String())
	if len(ids) < n {
		t.Fatalf("fetch --follow stopped after %d events, before it was killed:\n%s", len(ids), stderr.String())
	}
	return ids
}

// checkAtLeastOnce checks that got holds each of the want events in order, with no gap: a
// run that was killed may repeat the events of its last answer (at most maxRepeat), never
// skip one.
func checkAtLeastOnce(t *testing.T, got []int, want, maxRepeat int) {
	t.Helper()
	next, repeated := 0, 0
	for _, id := range got {
		switch {
		case id == next:
			next++
		case id < next && next-id <= maxRepeat:
			repeated++ // a repeat after a restart, counted; it must then run up to next
		default:
			t.Fatalf("got %v: %d comes where %d was due (a gap, or a repeat of more than %d)", got, id, next, maxRepeat)
		}
	}
	if next != want {
		t.Fatalf("got %v: %d events of %d", got, next, want)
	}
	t.Logf("%d events, %d repeated after kills", want, repeated)
}

// TestFetchKilledAndRestarted kills the real fetch process (SIGKILL) at points the test
// observes in its output, restarts it, and restarts the server mid-stream: every event comes
// in order, none is skipped, and a repeat is at most the answer being written when fetch
// died (at-least-once delivery through the --state file).
func TestFetchKilledAndRestarted(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir, "--approve-all")
	me := newIdent(t)
	ca := filepath.Join(dir, "server.crt")
	state := filepath.Join(t.TempDir(), "state.json")
	ingest(t, p, 0, 40, "process")
	args := append(fetchArgs(me, ca, p.url), "-e", "EventType == 'process'", "--max-events", "4", "--max-timeout", "1s", "--state", state)

	var got []int
	// Killed in the middle of an answer (6 events read: the second answer is written), then
	// at an answer's end, then one event into the next answer.
	for _, n := range []int{6, 8, 3} {
		got = append(got, fetchUntilKilled(t, n, args...)...)
	}
	// Restart the server with the same state directory, on the same address (the state file
	// keys tokens by URL), and let fetch finish the stream answer by answer.
	p.stop()
	p = startServe(t, dir, "--approve-all", "--listen", strings.TrimPrefix(p.url, "https://"))
	ingest(t, p, 40, 44, "process")
	args = append(fetchArgs(me, ca, p.url), "--max-events", "4", "--max-timeout", "0s", "--state", state)
	for {
		out, stderr, code := run1(t, nil, args...)
		if code != 0 {
			t.Fatalf("fetch after restart: %d %s", code, stderr)
		}
		if out == "" {
			break
		}
		got = append(got, recordIDs(t, out)...)
	}
	checkAtLeastOnce(t, got, 44, 4)
}

// TestFetchNodes fetches from two nodes (a PCN and an SCN) into one merged output.
func TestFetchNodes(t *testing.T) {
	pcn := startServe(t, t.TempDir(), "--approve-all", "--node", "pcn")
	scn := startServe(t, t.TempDir(), "--approve-all", "--node", "scn1")
	me := newIdent(t)
	ingest(t, pcn, 0, 3, "process")
	ingest(t, scn, 100, 102, "process")
	// Each node has its own CA: trust both.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	a, _ := os.ReadFile(filepath.Join(pcn.dir, "server.crt"))
	b, _ := os.ReadFile(filepath.Join(scn.dir, "server.crt"))
	os.WriteFile(ca, append(a, b...), 0o600)
	state := filepath.Join(t.TempDir(), "state.json")
	args := append(fetchArgs(me, ca, "pcn="+pcn.url, "scn1="+scn.url), "--tag-node", "--state", state)
	out, stderr, code := run1(t, nil, args...)
	if code != 0 {
		t.Fatalf("%d %s", code, stderr)
	}
	var lines []string
	for l := range strings.Lines(out) {
		lines = append(lines, strings.TrimSpace(l))
	}
	slices.Sort(lines)
	want := []string{
		`{"_node":"pcn","EventType":"process","RecordId":0,"HostName":"WS-0"}`,
		`{"_node":"pcn","EventType":"process","RecordId":1,"HostName":"WS-1"}`,
		`{"_node":"pcn","EventType":"process","RecordId":2,"HostName":"WS-2"}`,
		`{"_node":"scn1","EventType":"process","RecordId":100,"HostName":"WS-0"}`,
		`{"_node":"scn1","EventType":"process","RecordId":101,"HostName":"WS-1"}`,
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	st, err := client.LoadState(state)
	if err != nil || len(st.Tokens) != 2 || st.Tokens[pcn.url] == "" || st.Tokens[scn.url] == "" {
		t.Fatalf("state: %+v %v", st, err)
	}
	// A token of one node sent to the other is refused.
	swapped := &client.State{Version: 1, Tokens: map[string]string{scn.url: st.Tokens[pcn.url]}}
	swapped.Save(state)
	_, stderr, code = run1(t, nil, append(fetchArgs(me, ca, scn.url), "--state", state)...)
	if code != 1 || !strings.Contains(stderr, "issued by another node") {
		t.Fatalf("swapped token: %d %s", code, stderr)
	}
}

// TestFetchUnauthorized shows the approval explanation with the fingerprint.
func TestFetchUnauthorized(t *testing.T) {
	p := startServe(t, t.TempDir())
	me := newIdent(t)
	out, _, _ := run1(t, nil, "certs", "new", "--out", me.dir, "--force")
	_ = out
	me = ident{me.dir, mustRead(t, filepath.Join(me.dir, "id")), me.cert, me.key}
	_, stderr, code := run1(t, nil, append(fetchArgs(me, filepath.Join(p.dir, "server.crt"), p.url), "--server-name", "localhost")...)
	fp := ""
	if i := strings.Index(out, "SHA-256 fingerprint: "); i >= 0 {
		fp = strings.TrimSpace(out[i+len("SHA-256 fingerprint: "):])
	}
	if code != 1 || fp == "" || !strings.Contains(stderr, fp) || !strings.Contains(stderr, "must approve") {
		t.Fatalf("%d %s (fingerprint %s)", code, stderr, fp)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestFetchFollow follows a generating server with stderr on a terminal: the progress line
// appears there, events stream to stdout, and an interrupt ends fetch cleanly with the token
// saved.
func TestFetchFollow(t *testing.T) {
	p := startServe(t, t.TempDir(), "--approve-all", "--generate", "200")
	me := newIdent(t)
	state := filepath.Join(t.TempDir(), "state.json")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	cmd := exec.Command("katafilter", append(fetchArgs(me, filepath.Join(p.dir, "server.crt"), p.url),
		"--follow", "--max-timeout", "1s", "--max-events", "50", "--state", state)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	// Read the terminal until the progress line shows.
	progress := make(chan string, 1)
	go func() {
		var seen strings.Builder
		buf := make([]byte, 1024)
		for {
			n, err := ptmx.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), "events/s") || err != nil {
				progress <- seen.String()
				io.Copy(io.Discard, ptmx)
				return
			}
		}
	}()
	lines := bufio.NewScanner(stdout)
	for n := 0; n < 120 && lines.Scan(); n++ {
		var e struct{ EventType string }
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil || e.EventType == "" {
			t.Fatalf("not an event: %q", lines.Text())
		}
	}
	select {
	case got := <-progress:
		if !strings.Contains(got, "events/s") || !strings.Contains(got, "total (") {
			t.Fatalf("no progress line on the terminal: %q", got)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no progress line on the terminal")
	}
	cmd.Process.Signal(os.Interrupt)
	go io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("fetch after an interrupt: %v", err)
	}
	if st, err := client.LoadState(state); err != nil || st.Tokens[p.url] == "" {
		t.Fatalf("no token saved: %+v %v", st, err)
	}
}

// TestServeLimitFlags: the limits that serve's flags set reach the server: a client that
// stops in the middle of its headers is cut after --header-timeout, and a client holding
// --conns-per-client connections gets its next one closed unanswered.
func TestServeLimitFlags(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir, "--header-timeout", "300ms", "--conns-per-client", "1")
	pem, err := os.ReadFile(filepath.Join(dir, "server.crt"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	u, err := url.Parse(p.url)
	if err != nil {
		t.Fatal(err)
	}
	dial := func() *tls.Conn {
		t.Helper()
		c, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(8 * time.Second)) // the default header timeout is 10 s
		return c
	}
	// Headers begun and never finished: closed by the server, not by this test's deadline.
	a := dial()
	fmt.Fprintf(a, "GET /nowhere HTTP/1.1\r\nHost: x\r\n")
	if b, err := io.ReadAll(a); err != nil {
		t.Fatalf("the server kept a connection with unfinished headers open: %v (read %q)", err, b)
	}
	a.Close()
	// One connection held (a request answered, kept alive): a second one is closed unanswered.
	held := dial()
	defer held.Close()
	fmt.Fprintf(held, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
	if status, err := bufio.NewReader(held).ReadString('\n'); err != nil || !strings.HasPrefix(status, "HTTP/1.1 404") {
		t.Fatalf("the first connection: %q %v", status, err)
	}
	c, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
	if err != nil {
		return // closed during the handshake
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(8 * time.Second))
	fmt.Fprintf(c, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if b, _ := io.ReadAll(c); len(b) > 0 {
		t.Errorf("a second connection of the client was answered: %q", b)
	}
}
