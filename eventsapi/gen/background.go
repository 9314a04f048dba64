package gen

import (
	"fmt"
	"strings"
)

// A spawnRule says which image a process may start: a child image under one of the parents'
// images, with the command lines it is started with, as a user ("" the parent's, "user" the
// host's user, or an account).
type spawnRule struct {
	parents  []string
	child    string
	cmdlines []string
	user     string
}

func spawnRules(h *host) []spawnRule {
	if h.linux() {
		return linuxSpawns
	}
	if h.server {
		return append(windowsSpawns[:len(windowsSpawns):len(windowsSpawns)], serverSpawns...)
	}
	return windowsSpawns
}

// rootNames are the images of a host's first processes: what runs when nothing else does.
func rootNames(h *host) []string {
	if h.linux() {
		return []string{"sshd", "cron"}
	}
	if h.server {
		return []string{"services.exe"}
	}
	return []string{"explorer.exe"}
}

// background returns one event of eventType on h (preceded by the process event of a process
// it needs, when that one was not running).
func (g *Generator) background(h *host, eventType string) []event {
	var evs []event
	add := func(e event) []event { return append(evs, e) }
	switch eventType {
	case "process":
		if h.started() > maxStarted {
			return g.terminate(h)
		}
		return g.startSomething(h)
	case "process_terminate":
		return g.terminate(h)
	case "module":
		p := g.running(h, &evs, pickOf(g.r, moduleUsers(h)))
		e := g.procEvent(h, "module", p)
		setFile(e, "Dll", binary(pickOf(g.r, modulesOf(h, p.name()))))
		return add(e)
	case "connection":
		return g.connect(h)
	case "filechange":
		return g.writeFile(h)
	case "registry":
		p := g.running(h, &evs, "explorer.exe", "svchost.exe")
		e := g.procEvent(h, "registry", p)
		k := pickOf(g.r, registryWrites[p.name()])
		e["KeyName"], e["ValueName"], e["ValueData"] = expand(h, k[0]), k[1], expand(h, k[2])
		e["RegistryOperationType"] = 1
		return add(e)
	case "windowsevent":
		return add(g.logEvent(h))
	case "portlisten":
		return g.listen(h)
	case "driver":
		sys := g.find(h, "System")
		e := g.base(h, "driver", sys.user)
		setFile(e, "", binary(pickOf(g.r, drivers)))
		return add(e)
	case "amsiscan":
		p := g.running(h, &evs, "powershell.exe")
		e := g.procEvent(h, "amsiscan", p)
		e["ObjectContent"] = expand(h, pickOf(g.r, benignScripts))
		e["ObjectContentType"] = 0
		return add(e)
	case "process_interpretated_file_run":
		return g.runScript(h)
	case "process_console_interactive_input":
		shells, inputs := []string{"cmd.exe", "powershell.exe"}, windowsConsoleInput
		if h.linux() {
			shells, inputs = []string{"bash"}, linuxConsoleInput
		}
		p := g.running(h, &evs, shells...)
		e := g.procEvent(h, "process_console_interactive_input", p)
		e["InteractiveInputText"] = expand(h, pickOf(g.r, inputs))
		return add(e)
	case "applock":
		p := g.running(h, &evs, "explorer.exe")
		e := g.procEvent(h, "applock", p)
		blocked := h.userHome() + `\Downloads\` + pickOf(g.r, blockedApps)
		setFile(e, "Blocked", g.newFile(blocked, blocked, 0))
		return add(e)
	case "blockdocument":
		p := g.running(h, &evs, "WINWORD.EXE")
		e := g.procEvent(h, "blockdocument", p)
		doc := h.userHome() + `\Downloads\` + pickOf(g.r, blockedDocs)
		setFile(e, "Blocked", g.newFile(doc, doc, 0))
		return add(e)
	}
	panic("gen: no background event of type " + eventType)
}

// maxStarted bounds the processes a host runs beyond its first ones: past it, a host ends a
// process instead of starting one.
const maxStarted = 40

// started is the number of running processes that the generator started.
func (h *host) started() int {
	n := 0
	for _, p := range h.procs {
		if !p.root {
			n++
		}
	}
	return n
}

// startSomething starts a process under a running process that may start it.
func (g *Generator) startSomething(h *host) []event {
	rules := spawnRules(h)
	for range 20 {
		r := pickOf(g.r, rules)
		if par := g.find(h, r.parents...); par != nil {
			_, e := g.spawn(h, par, r.child, expand(h, pickOf(g.r, r.cmdlines)), g.userFor(h, par, r))
			return []event{e}
		}
	}
	root := g.find(h, rootNames(h)...)
	for _, r := range rules {
		if containsFold(r.parents, root.name()) {
			_, e := g.spawn(h, root, r.child, expand(h, pickOf(g.r, r.cmdlines)), g.userFor(h, root, r))
			return []event{e}
		}
	}
	panic("gen: no spawn rule for " + root.name())
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// terminate ends a process that has no running children (starting one when none can end).
func (g *Generator) terminate(h *host) []event {
	var leaves []*proc
	for _, p := range h.procs {
		if p.root {
			continue
		}
		leaf := true
		for _, q := range h.procs {
			if q.parent == p {
				leaf = false
				break
			}
		}
		if leaf {
			leaves = append(leaves, p)
		}
	}
	if len(leaves) == 0 {
		return g.startSomething(h)
	}
	p := pickOf(g.r, leaves)
	h.stop(p)
	e := g.procEvent(h, "process_terminate", p)
	e["ParentSystemPid"], e["UniqueParentPid"] = p.parent.pid, p.parent.unique
	return []event{e}
}

func moduleUsers(h *host) []string {
	if h.linux() {
		return []string{"bash", "python3", "sshd", "cron"}
	}
	if h.server {
		return []string{"svchost.exe", "powershell.exe", "services.exe"}
	}
	return []string{"chrome.exe", "WINWORD.EXE", "powershell.exe", "explorer.exe", "svchost.exe"}
}

func modulesOf(h *host, image string) []string {
	if h.linux() {
		return linuxModules
	}
	if m, ok := windowsModules[strings.ToLower(image)]; ok {
		return append(m[:len(m):len(m)], commonDLLs...)
	}
	return commonDLLs
}

// connect makes a network connection of a process that talks to the network.
func (g *Generator) connect(h *host) []event {
	var evs []event
	rules := windowsNet
	if h.linux() {
		rules = linuxNet
	}
	r := pickOf(g.r, rules)
	p := g.running(h, &evs, r.image)
	if !strings.EqualFold(p.name(), r.image) {
		r = rules[0]
		p = g.running(h, &evs, r.image)
	}
	e := g.procEvent(h, "connection", p)
	remote := pickOf(g.r, r.remotes)
	if remote.host == "" { // a host of the network
		other := pickOf(g.r, g.hosts)
		remote = endpoint{other.name, other.ip, remote.port}
	}
	e["Direction"] = r.direction
	if r.direction == "Inbound" {
		e["LocalIp"], e["LocalPort"] = h.ip, remote.port
		e["RemoteHostName"], e["RemoteIp"], e["RemotePort"] = remote.host, remote.ip, 49152+g.r.IntN(16000)
	} else {
		e["LocalIp"], e["LocalPort"] = h.ip, 49152+g.r.IntN(16000)
		e["RemoteHostName"], e["RemoteIp"], e["RemotePort"] = remote.host, remote.ip, remote.port
	}
	if remote.port == 80 {
		e["Method"], e["URI"] = "GET", "http://"+remote.host+pickOf(g.r, []string{"/", "/msdownload/update/v3/static/trustedr/en/authrootstl.cab", "/ubuntu/dists/jammy/InRelease"})
	}
	if h.linux() {
		e["LinuxEventType"], e["LinuxOperationResult"] = "Connect", "Success"
	}
	return append(evs, e)
}

// writeFile makes a file change by a process that writes files.
func (g *Generator) writeFile(h *host) []event {
	var evs []event
	writes := windowsWrites
	if h.linux() {
		writes = linuxWrites
	}
	w := pickOf(g.r, writes)
	p := g.running(h, &evs, w.image)
	if !strings.EqualFold(p.name(), w.image) {
		return g.startSomething(h)
	}
	e := g.procEvent(h, "filechange", p)
	full := expand(h, pickOf(g.r, w.paths))
	setFile(e, "Dropped", g.newFile(full, fmt.Sprint(full, g.n), 512+g.r.IntN(2<<20)))
	e["FileOperationType"] = w.operation
	e["DroppedFileType"] = droppedType(full)
	if h.linux() {
		e["LinuxEventType"], e["LinuxOperationResult"] = "Open", "Success"
	}
	return append(evs, e)
}

// droppedType is the DroppedFileType of a file by its extension: 1 an executable, 2 a
// library, 3 a script, 4 a document, 0 anything else.
func droppedType(full string) int {
	name := strings.ToLower(baseName(full))
	for ext, t := range map[string]int{".exe": 1, ".dll": 2, ".so": 2, ".ps1": 3, ".vbs": 3, ".sh": 3, ".py": 3, ".docx": 4, ".docm": 4, ".xlsx": 4, ".pdf": 4} {
		if strings.HasSuffix(name, ext) {
			return t
		}
	}
	if !strings.Contains(name, ".") && strings.HasPrefix(full, "/") {
		return 1
	}
	return 0
}

// listen makes a process listen on its port.
func (g *Generator) listen(h *host) []event {
	var evs []event
	var rules []listener
	for _, l := range listeners {
		if l.os == h.os && (l.role == "" || l.role == h.role) {
			rules = append(rules, l)
		}
	}
	l := pickOf(g.r, rules)
	p := g.running(h, &evs, l.image)
	e := g.procEvent(h, "portlisten", p)
	e["LocalIp"], e["LocalPort"] = "0.0.0.0", l.port
	return append(evs, e)
}

// runScript starts an interpreter on a script and reports the interpreted run.
func (g *Generator) runScript(h *host) []event {
	s := pickOf(g.r, windowsScripts)
	if h.linux() {
		s = pickOf(g.r, linuxScripts)
	}
	par := g.find(h, s.parents...)
	if par == nil {
		par = g.find(h, rootNames(h)...)
	}
	script := expand(h, s.script)
	p, start := g.spawn(h, par, s.interpreter, expand(h, s.cmdline), par.user)
	e := g.procEvent(h, "process_interpretated_file_run", p)
	setFile(e, "InterpretedFile", binary(script))
	return []event{start, e}
}

// logEvent makes an ordinary Windows log event: logons and logoffs, privileges, process
// creation, service state.
func (g *Generator) logEvent(h *host) event {
	switch id := pickOf(g.r, []string{"4624", "4624", "4634", "4672", "4688", "7036", "4625"}); id {
	case "4624", "4634", "4672", "4625":
		user := h.user
		remote := ""
		if h.server {
			other := pickOf(g.r, g.hosts)
			user, remote = other.user, other.ip
		}
		if id == "4625" && remote == "" {
			remote = "127.0.0.1"
		}
		data := map[string]string{"TargetDomainName": "CORP", "PackageName": "Negotiate"}
		if id == "4624" || id == "4625" {
			data["ProcessName"] = `C:\Windows\System32\svchost.exe`
			if !h.server {
				data["ProcessName"] = `C:\Windows\System32\winlogon.exe`
			}
		}
		e := g.windowsLog(h, id, user, data)
		if remote != "" && id != "4634" && id != "4672" {
			e["LogonRemoteHost"] = remote
		}
		return e
	case "4688":
		p := pickOf(g.r, h.procs)
		return g.windowsLog(h, id, p.user, map[string]string{"ProcessName": p.image, "TargetDomainName": "CORP"})
	default:
		return g.windowsLog(h, id, `NT AUTHORITY\SYSTEM`, map[string]string{"ObjectName": pickOf(g.r, []string{"Windows Update", "Background Intelligent Transfer Service", "Print Spooler", "WinHTTP Web Proxy Auto-Discovery Service"})})
	}
}
