// Package docs holds the user documentation. Its test runs the command blocks of README.md and
// docs/*.md with the built katafilter on PATH and compares the output they show, so that the
// documentation cannot drift from the program. The conventions are in docs/hacking.md.
package docs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/katafilter/katafilter/internal/testenv"
)

// binDir holds the katafilter built for the test.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "katafilter-docs-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := exec.Command(goCmd, "build", "-o", filepath.Join(dir, "katafilter"), "./cmd/katafilter")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building katafilter: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// block is one fenced code block of a Markdown file, with the directives of the HTML
// comments just before it.
type block struct {
	line     int    // 1-based line of the opening fence
	info     string // the info string (sh, json, ...)
	text     string // the content
	file     string // <!-- file: NAME -->: the block is the content of this file
	notRun   string // <!-- not-run: REASON -->
	requires []string
}

var directive = regexp.MustCompile(`^<!--\s*(file|not-run|requires):\s*(.*?)\s*-->$`)

// parseBlocks returns the fenced code blocks of a Markdown document.
func parseBlocks(doc string) ([]block, error) {
	lines := strings.Split(doc, "\n")
	var blocks []block
	var pending []string // directives seen since the last block or paragraph
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if m := directive.FindStringSubmatch(l); m != nil {
			pending = append(pending, m[1]+"\x00"+m[2])
			continue
		}
		fence := ""
		for _, f := range []string{"````", "```", "~~~"} {
			if strings.HasPrefix(l, f) {
				fence = f
				break
			}
		}
		if fence == "" {
			if l != "" {
				pending = nil
			}
			continue
		}
		b := block{line: i + 1, info: strings.TrimSpace(strings.TrimPrefix(l, fence))}
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != fence; i++ {
			x := lines[i]
			x = x[min(indent, len(x)-len(strings.TrimLeft(x, " "))):]
			body = append(body, x)
		}
		if i == len(lines) {
			return nil, fmt.Errorf("line %d: the block is never closed", b.line)
		}
		b.text = strings.Join(body, "\n") + "\n"
		for _, d := range pending {
			k, v, _ := strings.Cut(d, "\x00")
			switch k {
			case "file":
				b.file = v
			case "not-run":
				if v == "" {
					return nil, fmt.Errorf("line %d: not-run needs a reason", b.line)
				}
				b.notRun = v
			case "requires":
				b.requires = strings.Fields(v)
			}
		}
		pending = nil
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// runnable reports whether b is run: a shell block (sh, shell, bash, console) or a transcript
// (its first line starts with "$ ").
func (b block) runnable() bool {
	switch b.info {
	case "sh", "shell", "bash", "console":
		return true
	}
	return strings.HasPrefix(b.text, "$ ")
}

func (b block) transcript() bool { return strings.HasPrefix(b.text, "$ ") }

// servers are the requirements that are not programs: each is met when its environment
// variable is set (.ci/run sets them), and the variable is passed on to the block.
var servers = map[string]string{
	"postgres":   "KATAFILTER_TEST_POSTGRES",
	"clickhouse": "KATAFILTER_TEST_CLICKHOUSE",
}

// missing returns what b requires and this machine lacks, or "".
func missing(b block) string {
	var out []string
	for _, r := range b.requires {
		if v, ok := servers[r]; ok {
			if os.Getenv(v) == "" {
				out = append(out, r+" ("+v+" is not set; .ci/run sets it)")
			}
			continue
		}
		if _, err := exec.LookPath(r); err != nil {
			out = append(out, r+" (not on PATH)")
		}
	}
	return strings.Join(out, ", ")
}

// docFiles lists the documents whose blocks are run.
func docFiles(t *testing.T) []string {
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join("..", "README.md")}, files...)
}

// TestDocs runs every runnable block of README.md and docs/*.md, each document in a directory
// of its own that holds a link to the repository's testdata/, with the built katafilter first
// on PATH. Blocks of one document run in order and share the directory; processes a block
// leaves in the background are ended when the document is done. A transcript's output must be
// the one shown.
func TestDocs(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	statSources(root)
	unlock := lockMachineWide(t)
	defer unlock()
	for _, f := range docFiles(t) {
		name := strings.TrimPrefix(filepath.ToSlash(f), "../")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := parseBlocks(string(data))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			dir := t.TempDir()
			if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(dir, "testdata")); err != nil {
				t.Fatal(err)
			}
			r := &runner{t: t, errorf: t.Errorf, dir: dir, doc: name}
			defer r.stopAll()
			for _, b := range blocks {
				r.run(b)
			}
		})
	}
}

// runner runs the blocks of one document.
type runner struct {
	t      *testing.T
	errorf func(format string, args ...any) // reports a block that failed or drifted
	dir    string
	doc    string
	groups []int // process groups of the blocks run, ended at the end
}

func (r *runner) run(b block) {
	t := r.t
	where := fmt.Sprintf("%s:%d", r.doc, b.line)
	switch {
	case b.file != "":
		if err := os.WriteFile(filepath.Join(r.dir, b.file), []byte(b.text), 0o644); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		return
	case b.notRun != "" || !b.runnable():
		return
	}
	if m := missing(b); m != "" {
		if testenv.InCI() {
			r.errorf("%s: CI is set and this block cannot run: missing %s", where, m)
		} else {
			t.Logf("%s: not run: missing %s", where, m)
		}
		return
	}
	if b.transcript() {
		r.transcript(where, b)
		return
	}
	out, err := r.shell("set -e\n" + b.text)
	if err != nil {
		r.errorf("%s: the block failed: %v\n%s", where, err, out)
	}
}

// shell runs script with bash in the document's directory, in a process group of its own, and
// returns its output (stdout and stderr together).
func (r *runner) shell(script string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "NO_COLOR=1", "HOME="+r.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second // a background process keeps the output open
	if err := cmd.Start(); err != nil {
		return "", err
	}
	r.groups = append(r.groups, cmd.Process.Pid)
	err := cmd.Wait()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	return out.String(), err
}

// stopAll ends the processes that blocks left running (a server started with &).
func (r *runner) stopAll() {
	for _, g := range r.groups {
		syscall.Kill(-g, syscall.SIGTERM)
	}
	time.Sleep(200 * time.Millisecond)
	for _, g := range r.groups {
		syscall.Kill(-g, syscall.SIGKILL)
	}
}

// marker separates the outputs of a transcript's commands.
const marker = "\x1e--katafilter-docs-command-end--\x1e"

// transcript runs the "$ " commands of b in one shell (so that "echo $?" sees the command
// before it) and compares each command's output with the lines shown after it. A line "..."
// in the shown output stands for any number of lines.
func (r *runner) transcript(where string, b block) {
	cmds, wants := parseTranscript(b.text)
	var script strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&script, "%s\n__st=$?; printf '\\n%s\\n'; (exit $__st)\n", c, marker)
	}
	out, err := r.shell(script.String())
	if err != nil && !strings.Contains(out, marker) {
		r.errorf("%s: %v\n%s", where, err, out)
		return
	}
	got := strings.Split(out, "\n"+marker+"\n")
	for i, c := range cmds {
		g := ""
		if i < len(got) {
			g = got[i]
		}
		if !matchLines(strings.TrimRight(wants[i], "\n"), strings.TrimRight(g, "\n")) {
			r.errorf("%s: $ %s\n--- shown\n%s\n--- got\n%s", where, c, wants[i], g)
		}
	}
}

// parseTranscript splits a transcript into its commands (a line ending in \ continues) and the
// output shown after each.
func parseTranscript(text string) (cmds, wants []string) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "$ ") {
			c := strings.TrimPrefix(l, "$ ")
			for strings.HasSuffix(c, `\`) && i+1 < len(lines) {
				i++
				c += "\n" + lines[i]
			}
			cmds = append(cmds, c)
			wants = append(wants, "")
			continue
		}
		if len(wants) > 0 {
			wants[len(wants)-1] += l + "\n"
		}
	}
	return cmds, wants
}

// matchLines reports whether got matches want, in which a line "..." matches any lines.
func matchLines(want, got string) bool {
	w, g := splitLines(want), splitLines(got)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if i == len(w) {
			return j == len(g)
		}
		if w[i] == "..." {
			for k := j; k <= len(g); k++ {
				if match(i+1, k) {
					return true
				}
			}
			return false
		}
		return j < len(g) && strings.TrimRight(w[i], " ") == strings.TrimRight(g[j], " ") && match(i+1, j+1)
	}
	return match(0, 0)
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// statSources looks at every Go source and test data file of the module, so that go test's
// cache, which remembers the files a test looked at, runs the test again when the program
// the blocks run (built from those sources) may have changed.
func statSources(root string) {
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			os.Stat(path)
		}
		return nil
	})
}

// lockMachineWide keeps two runs of TestDocs on one machine (two working trees, two go test
// processes) from running at once: the documents start servers on the fixed port the user
// documentation shows (127.0.0.1:8443).
func lockMachineWide(t *testing.T) (unlock func()) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "katafilter-docs-test.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	return func() { f.Close() } // closing releases the lock
}
