package gen

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
)

// A host is one machine of the generated network. Its OS decides its event types, paths,
// users and processes.
type host struct {
	index                   int
	name, ip, os, osVersion string
	product                 string // ProductName of the agent on it
	role                    string // what a server does ("db", "DC", ...); "" for a workstation
	server                  bool
	user                    string   // the person working on it (a workstation) or administering it
	users                   []string // every account that runs processes on it
	procs                   []*proc  // the running processes, roots first
	nextPid, seq, record    int
}

func (h *host) linux() bool { return h.os == "Linux" }

// A proc is a running process: the image, its command line, who runs it and its parent.
type proc struct {
	unique  string // UniquePid: unique per host and boot, unlike the system PID
	pid     int
	image   string // full path of the executable
	cmdline string // the whole command line, image included, as the OS shows it
	user    string
	parent  *proc
	root    bool // started before the generator began (never terminated)
}

func (p *proc) name() string { return baseName(p.image) }

// baseName is the last element of a Windows or Linux path.
func baseName(f string) string {
	if i := strings.LastIndexAny(f, `\/`); i >= 0 {
		return f[i+1:]
	}
	return f
}

// dirName is a path without its last element, in the path's own separators.
func dirName(f string) string {
	if i := strings.LastIndexAny(f, `\/`); i > 0 {
		return f[:i]
	}
	return ""
}

// hashOf returns the MD5 and SHA-256 of a file, derived from what identifies it (its path for
// the OS's own binaries, so that the same binary has the same hashes on every host).
func hashOf(id string) (string, string) {
	m := md5.Sum([]byte(id))
	s := sha256.Sum256([]byte(id))
	return hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
}

// newHost makes host number i (0-based) of a network: mostly Windows workstations, some
// Windows servers, some Linux servers.
func (g *Generator) newHost(i int) *host {
	h := &host{index: i, ip: fmt.Sprintf("10.20.%d.%d", i/200, i%200+10), nextPid: 4 * (100 + g.r.IntN(500))}
	switch {
	case i%5 == 4:
		h.role = linuxRoles[(i/5)%len(linuxRoles)]
		h.name = fmt.Sprintf("srv-%s-%02d", h.role, i+1)
		h.os, h.osVersion, h.server = "Linux", pickOf(g.r, []string{"Ubuntu 22.04", "Debian 12", "Red Hat Enterprise Linux 9.3"}), true
		h.product = "Kaspersky Endpoint Security for Linux"
		h.user = pickOf(g.r, linuxAdmins)
		h.users = []string{"root", h.user, linuxServiceUser[h.role]}
	case i%10 == 3:
		h.role = windowsRoles[(i/10)%len(windowsRoles)]
		h.name = fmt.Sprintf("SRV-%s-%02d", h.role, i+1)
		h.os, h.osVersion, h.server = "Windows", pickOf(g.r, []string{"10.0.17763", "10.0.20348"}), true
		h.product = "Kaspersky Endpoint Agent"
		h.user = `CORP\` + pickOf(g.r, windowsAdmins)
		h.users = []string{`NT AUTHORITY\SYSTEM`, `NT AUTHORITY\NETWORK SERVICE`, h.user}
	default:
		dept := departments[i%len(departments)]
		h.name = fmt.Sprintf("WS-%s-%03d", dept, i+1)
		h.os, h.osVersion = "Windows", pickOf(g.r, []string{"10.0.19045", "10.0.22631"})
		h.product = "Kaspersky Endpoint Agent"
		h.user = `CORP\` + people[(i*7)%len(people)]
		h.users = []string{`NT AUTHORITY\SYSTEM`, h.user}
	}
	g.boot(h)
	return h
}

// boot starts the processes a host runs before any event: the roots of its process trees.
func (g *Generator) boot(h *host) {
	root := func(parent *proc, image, cmdline, user string, pid int) *proc {
		p := g.start(h, parent, image, cmdline, user)
		p.root = true
		if pid > 0 {
			p.pid = pid
		}
		return p
	}
	if h.linux() {
		systemd := root(nil, "/usr/lib/systemd/systemd", "/sbin/init splash", "root", 1)
		root(systemd, "/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "root", 0)
		root(systemd, "/usr/sbin/cron", "/usr/sbin/cron -f -P", "root", 0)
		for _, s := range linuxDaemons[h.role] {
			root(systemd, s[0], s[1], s[2], 0)
		}
		return
	}
	system := root(nil, "System", "", `NT AUTHORITY\SYSTEM`, 4)
	smss := root(system, `C:\Windows\System32\smss.exe`, `\SystemRoot\System32\smss.exe`, `NT AUTHORITY\SYSTEM`, 0)
	wininit := root(smss, `C:\Windows\System32\wininit.exe`, "wininit.exe", `NT AUTHORITY\SYSTEM`, 0)
	services := root(wininit, `C:\Windows\System32\services.exe`, `C:\Windows\system32\services.exe`, `NT AUTHORITY\SYSTEM`, 0)
	root(wininit, `C:\Windows\System32\lsass.exe`, `C:\Windows\system32\lsass.exe`, `NT AUTHORITY\SYSTEM`, 0)
	root(services, `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p`, `NT AUTHORITY\SYSTEM`, 0)
	root(services, `C:\Windows\System32\svchost.exe`, `C:\Windows\System32\svchost.exe -k NetworkService -p`, `NT AUTHORITY\NETWORK SERVICE`, 0)
	root(services, `C:\Program Files (x86)\Kaspersky Lab\Endpoint Agent\avp.exe`, `"C:\Program Files (x86)\Kaspersky Lab\Endpoint Agent\avp.exe" -r`, `NT AUTHORITY\SYSTEM`, 0)
	if h.server {
		for _, s := range windowsDaemons[h.role] {
			root(services, s[0], s[1], `NT AUTHORITY\SYSTEM`, 0)
		}
	}
	root(nil, `C:\Windows\explorer.exe`, `C:\Windows\Explorer.EXE`, h.user, 0)
}

// start makes a new process on h, child of parent.
func (g *Generator) start(h *host, parent *proc, image, cmdline, user string) *proc {
	h.seq++
	h.nextPid += 4 * (1 + g.r.IntN(40))
	if h.nextPid > 60000 {
		h.nextPid = 4 * (100 + g.r.IntN(100))
	}
	p := &proc{
		unique:  fmt.Sprintf("%04X%04X%08X", h.index+1, g.epoch, h.seq),
		pid:     h.nextPid,
		image:   image,
		cmdline: cmdline,
		user:    user,
		parent:  parent,
	}
	h.procs = append(h.procs, p)
	return p
}

// stop removes p from the running processes.
func (h *host) stop(p *proc) {
	for i, q := range h.procs {
		if q == p {
			h.procs = append(h.procs[:i], h.procs[i+1:]...)
			return
		}
	}
}

// find returns a running process of h whose image's base name is one of names (case
// ignored), or nil.
func (g *Generator) find(h *host, names ...string) *proc {
	var found []*proc
	for _, p := range h.procs {
		for _, n := range names {
			if strings.EqualFold(p.name(), n) {
				found = append(found, p)
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	return pickOf(g.r, found)
}

// userHome is the home directory of the host's user.
func (h *host) userHome() string {
	if h.linux() {
		return path.Join("/home", h.user)
	}
	return `C:\Users\` + strings.TrimPrefix(h.user, `CORP\`)
}
