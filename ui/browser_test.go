package ui_test

import (
	"bufio"
	"context"
	"flag"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/internal/testenv"
)

// The events of the browser tests: the workload slice every test of the module can read.
const testEvents = "../testdata/workload/events-4k.jsonl.gz"

// browserFilter is the filter the browser tests run: more matches than a page holds.
const browserFilter = "EventType == 'process'"

var (
	screenshots = flag.String("screenshots", "", "write the screenshots of docs/ui.md into this `directory` (TestScreenshots)")
	latency     = flag.Bool("latency", false, "run the latency benchmark of the page (TestLatency)")
)

// e2eDir prepares the browser scripts: node, npm and Chromium present, the pinned
// playwright-core installed (npm ci) when it is not yet.
func e2eDir(t *testing.T) string {
	t.Helper()
	testenv.LookPath(t, "node", "apt-get install nodejs")
	npm := testenv.LookPath(t, "npm", "apt-get install npm")
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		testenv.Missing(t, "%s is missing (apt-get install chromium)", chromium)
	}
	dir, err := filepath.Abs("e2e")
	if err != nil {
		t.Fatal(err)
	}
	// Reading the scripts makes them part of what go test's cache checks: a changed script
	// runs the test again.
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.*js*"))
	for _, f := range scripts {
		if _, err := os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			testenv.Missing(t, "npm ci in ui/e2e failed (npm's registry is needed once): %v\n%s", err, out)
		}
	}
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveKatafilter()
	os.Exit(code)
}

var addrLine = regexp.MustCompile(`^katafilter ui: open (http://\S+)$`)

// startUI starts katafilter ui on a free loopback port and returns the address it prints.
func startUI(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"ui", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
			<-done
		}
		cancel()
	})
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatalf("katafilter ui printed nothing: %v", sc.Err())
	}
	m := addrLine.FindStringSubmatch(sc.Text())
	if m == nil {
		t.Fatalf("katafilter ui's first line is %q, want its address", sc.Text())
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return m[1]
}

// evalCount is the filter's number of matches according to katafilter eval --count.
func evalCount(t *testing.T, bin, filter, events string) string {
	t.Helper()
	out, err := exec.Command(bin, "eval", "--count", "-e", filter, events).Output()
	if err != nil {
		t.Fatalf("katafilter eval --count: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// node runs a script of ui/e2e against the console at addr.
func node(t *testing.T, dir, addr string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "KATAFILTER_UI_URL="+addr)...)
	out, err := cmd.CombinedOutput()
	t.Logf("node %s:\n%s", strings.Join(args, " "), out)
	if err != nil {
		t.Fatalf("node %s: %v", strings.Join(args, " "), err)
	}
}

// TestBrowser drives the console in Chromium (ui/e2e/ui.test.mjs): diagnostics, completion,
// formatting, results checked against katafilter eval, explanation, histogram, facets, shared
// URLs, keyboard-only use, contrast, and a live tail of a second console on the built-in
// emulator.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := e2eDir(t)
	bin := testenv.Katafilter(t)
	count := evalCount(t, bin, browserFilter, testEvents)
	addr := startUI(t, bin, "--events", testEvents)
	live := startUI(t, bin, "--generate", "50") // the built-in emulator, for the live tail
	node(t, dir, addr, []string{"KF_FILTER=" + browserFilter, "KF_COUNT=" + count, "KATAFILTER_UI_LIVE_URL=" + live},
		"--test", "--test-reporter=spec", "ui.test.mjs")
}

// TestScreenshots writes the screenshots of docs/ui.md with the same harness:
//
//	go test ./ui -run TestScreenshots -screenshots ../docs/ui
func TestScreenshots(t *testing.T) {
	if *screenshots == "" {
		t.Skip("-screenshots DIR writes them")
	}
	dir := e2eDir(t)
	out, err := filepath.Abs(*screenshots)
	if err != nil {
		t.Fatal(err)
	}
	bin := testenv.Katafilter(t)
	addr := startUI(t, bin, "--events", testEvents)
	node(t, dir, addr, []string{"KF_OUT=" + out}, "screenshots.mjs")
}

// TestLatency measures, in the browser, the time from a keystroke's request to the rendered
// diagnostics and completion list (ui/e2e/bench.mjs); docs/performance.md quotes it:
//
//	go test ./ui -run TestLatency -latency -v
func TestLatency(t *testing.T) {
	if !*latency {
		t.Skip("-latency runs the benchmark")
	}
	dir := e2eDir(t)
	bin := testenv.Katafilter(t)
	addr := startUI(t, bin, "--events", testEvents)
	node(t, dir, addr, nil, "bench.mjs")
}

// TestToken starts the binary with --require-token: the printed address carries the token and
// sets the cookie that the page's requests then carry; any request without it is refused.
func TestToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := testenv.Katafilter(t)
	addr := startUI(t, bin, "--require-token", "--events", testEvents)
	u, err := url.Parse(addr)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("address %q has no token", addr)
	}
	status := func(c *http.Client, target string) int {
		t.Helper()
		resp, err := c.Get(target)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	base := u.Scheme + "://" + u.Host
	plain := &http.Client{}
	for _, target := range []string{base + "/", base + "/api/info", base + "/?token=wrong"} {
		if got := status(plain, target); got != http.StatusUnauthorized {
			t.Errorf("%s without the token: status %d, want 401", target, got)
		}
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	if got := status(browser, addr); got != http.StatusOK {
		t.Fatalf("the printed address: status %d", got)
	}
	if got := status(browser, base+"/api/query?q="+url.QueryEscape(browserFilter)); got != http.StatusOK {
		t.Errorf("with the cookie the address set: status %d", got)
	}
}
