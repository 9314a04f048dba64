package gen

import (
	"fmt"
	"strings"
	"time"
)

// base returns the fields every event of h carries.
func (g *Generator) base(h *host, eventType, user string) event {
	return event{
		"EventType":     eventType,
		"HostName":      h.name,
		"HostIp":        h.ip,
		"OsFamily":      h.os,
		"OsVersion":     h.osVersion,
		"UserName":      user,
		"ProductName":   h.product,
		"ProductVendor": "Kaspersky",
	}
}

// file is what an event says about a file: its path, hashes, size and times.
type file struct {
	full     string
	md5, sha string
	size     int
	created  int64 // microseconds since the epoch
	modified int64
}

// binary describes an installed file: the same path has the same hashes, size and times on
// every host.
func binary(full string) file {
	m, s := hashOf(strings.ToLower(full))
	n := 0
	for _, c := range s[:8] {
		n = n*16 + int(hexDigit(c))
	}
	created := time.Date(2024, 3, 12, 8, 0, 0, 0, time.UTC).UnixMicro() - int64(n%(400*24*3600))*1e6
	return file{full: full, md5: m, sha: s, size: 20<<10 + n%(6<<20), created: created, modified: created + int64(n%86400)*1e6}
}

func hexDigit(c rune) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

// newFile describes a file written now, whose content is identified by content.
func (g *Generator) newFile(full, content string, size int) file {
	m, s := hashOf(content)
	t := g.now().UnixMicro()
	return file{full: full, md5: m, sha: s, size: size, created: t, modified: t}
}

// setFile sets the fields of f for a field prefix: "" (File...), "Dll", "Dropped",
// "InterpretedFile" (with the table's InterpretedMd5 and InterpretedSha256), "Blocked" (name,
// path and SHA-256 only).
func setFile(e event, prefix string, f file) {
	p := prefix
	if p == "" {
		p = "File"
	}
	e[p+"FullName"], e[p+"Name"], e[p+"Path"] = f.full, baseName(f.full), dirName(f.full)
	hp := prefix
	if prefix == "InterpretedFile" {
		hp = "Interpreted"
	}
	e[hp+"Sha256"] = f.sha
	if prefix == "Blocked" {
		return
	}
	e[hp+"Md5"] = f.md5
	e[p+"Size"] = f.size
	e[p+"CreationTime"] = f.created
	e[p+"ModificationTime"] = f.modified
}

// procEvent returns an event of p: its image as the event's file, its PIDs and its user.
func (g *Generator) procEvent(h *host, eventType string, p *proc) event {
	e := g.base(h, eventType, p.user)
	if p.image != "System" {
		setFile(e, "", binary(p.image))
	}
	e["SystemPid"] = p.pid
	e["UniquePid"] = p.unique
	return e
}

// processStart returns the process event of p's start.
func (g *Generator) processStart(h *host, p *proc) event {
	e := g.procEvent(h, "process", p)
	e["StartupParameters"] = p.cmdline
	e["ProcessType"] = 0
	if par := p.parent; par != nil {
		e["ParentSystemPid"] = par.pid
		e["UniqueParentPid"] = par.unique
		e["ParentStartupParameters"] = par.cmdline
		if par.image != "System" {
			pf := binary(par.image)
			e["ParentFileFullName"], e["ParentMd5"], e["ParentSha256"] = pf.full, pf.md5, pf.sha
		}
	}
	if h.linux() {
		e["RealUserName"], e["EffectiveUserName"] = p.user, p.user
		if p.parent != nil && p.parent.user != p.user && p.user == "root" {
			e["RealUserName"] = p.parent.user // sudo
		}
		e["Environment"] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8"
		e["LinuxEventType"], e["LinuxOperationResult"] = "Execve", "Success"
	}
	return e
}

// spawn starts a child of parent and returns it with its process event.
func (g *Generator) spawn(h *host, parent *proc, image, cmdline, user string) (*proc, event) {
	p := g.start(h, parent, image, cmdline, user)
	return p, g.processStart(h, p)
}

// running returns a running process of h with one of the given image names, starting one
// under a fitting parent (and adding its process event to evs) when none runs.
func (g *Generator) running(h *host, evs *[]event, names ...string) *proc {
	if p := g.find(h, names...); p != nil {
		return p
	}
	for _, r := range spawnRules(h) {
		if !strings.EqualFold(baseName(r.child), names[0]) {
			continue
		}
		if par := g.find(h, r.parents...); par != nil {
			p, e := g.spawn(h, par, r.child, expand(h, pickOf(g.r, r.cmdlines)), g.userFor(h, par, r))
			*evs = append(*evs, e)
			return p
		}
	}
	return g.find(h, rootNames(h)...)
}

// userFor is the account a child started by rule r under parent runs as.
func (g *Generator) userFor(h *host, parent *proc, r spawnRule) string {
	switch {
	case r.user == "user":
		return h.user
	case r.user != "":
		return r.user
	}
	return parent.user
}

// expand fills a command line template: {home} the user's home directory, {user} the user's
// name without its domain, {n} a small number.
func expand(h *host, s string) string {
	user := strings.TrimPrefix(h.user, `CORP\`)
	s = strings.ReplaceAll(s, "{home}", h.userHome())
	s = strings.ReplaceAll(s, "{user}", user)
	s = strings.ReplaceAll(s, "{n}", fmt.Sprint(1000+h.seq%9000))
	return s
}

// windowsLog returns a windowsevent of h with the channel and provider Windows writes for id.
func (g *Generator) windowsLog(h *host, id string, user string, data map[string]string) event {
	e := g.base(h, "windowsevent", user)
	h.record++
	ch := logChannels[id]
	e["System"] = map[string]any{
		"EventID":       map[string]any{"value": id},
		"Channel":       map[string]any{"value": ch[0]},
		"EventRecordID": map[string]any{"value": fmt.Sprint(180000 + h.index*7919 + h.record)},
		"Provider":      map[string]any{"Name": map[string]any{"value": ch[1]}},
	}
	d := map[string]any{}
	for k, v := range data {
		d[k] = map[string]any{"value": v}
	}
	if len(d) > 0 {
		e["EventData"] = map[string]any{"Data": d}
	}
	return e
}

// ioa sets a detection's Ioa object from rules (IDs of ioaRules).
func ioa(e event, severity, confidence string, ids ...string) {
	var rules []any
	for _, id := range ids {
		r := ioaRules[id]
		rules = append(rules, map[string]any{"Id": id, "Name": r.name, "Techniques": []string{r.technique}, "Tactics": []string{r.tactic}})
	}
	e["Ioa"] = map[string]any{"Rules": rules, "Severity": severity, "Confidence": confidence}
}

// tag marks a telemetry event that an IOA rule flagged: IOATag names the rule, IOAImportance
// its importance.
func tag(e event, id, importance string) {
	e["IOATag"] = ioaRules[id].name
	e["IOAImportance"] = importance
}

// detect returns a threatdetect about file f (of process p, when not nil).
func (g *Generator) detect(h *host, p *proc, f file, objectType, mode, verdict string) event {
	user := h.users[0]
	if p != nil {
		user = p.user
	}
	e := g.base(h, "threatdetect", user)
	setFile(e, "", f)
	if p != nil {
		e["SystemPid"], e["UniquePid"] = p.pid, p.unique
	}
	e["DetectedName"], e["DetectedMd5"], e["DetectedSha256"] = f.full, f.md5, f.sha
	if verdict != "" {
		e["VerdictName"] = verdict
	}
	e["RecordId"] = 100000 + g.r.IntN(900000)
	e["DetectedObjectType"] = objectType
	e["ProcessingMode"] = mode
	return e
}

// result returns the threatprocessingresult that follows detection d.
func (g *Generator) result(h *host, d event, status string) event {
	e := g.base(h, "threatprocessingresult", d["UserName"].(string))
	for _, k := range []string{"DetectedName", "DetectedMd5", "DetectedSha256", "VerdictName", "ProcessingMode", "RecordId"} {
		if v, ok := d[k]; ok {
			e[k] = v
		}
	}
	e["OriginalFileName"] = d["DetectedName"]
	e["ThreatStatus"] = status
	if status == "Untreated" {
		e["UntreatedReason"] = pickOf(g.r, []string{"Locked", "NonCurable"})
	}
	return e
}
