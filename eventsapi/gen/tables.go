package gen

// The data the generator draws from.

const (
	powershell = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
	cmd        = `C:\Windows\System32\cmd.exe`
	certutil   = `C:\Windows\System32\certutil.exe`
	sc         = `C:\Windows\System32\sc.exe`
	rundll32   = `C:\Windows\System32\rundll32.exe`
	chrome     = `C:\Program Files\Google\Chrome\Application\chrome.exe`
)

var officeImages = map[string]string{
	"WINWORD.EXE":  `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`,
	"EXCEL.EXE":    `C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`,
	"OUTLOOK.EXE":  `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`,
	"POWERPNT.EXE": `C:\Program Files\Microsoft Office\root\Office16\POWERPNT.EXE`,
}

var (
	departments   = []string{"HR", "FIN", "DEV", "OPS", "SALES"}
	people        = []string{"a.petrova", "i.ivanov", "m.smith", "j.garcia", "o.sokolova", "d.novak", "k.tanaka", "l.meyer", "s.kowalski", "e.dubois", "n.rossi"}
	windowsAdmins = []string{"adm.petrov", "adm.jones"}
	linuxAdmins   = []string{"deploy", "ops", "alex"}
	windowsRoles  = []string{"DC", "FS", "SQL", "WEB"}
	linuxRoles    = []string{"db", "web", "app"}
	attackerIPs   = []string{"203.0.113.66", "198.51.100.23", "203.0.113.145"}

	linuxServiceUser = map[string]string{"db": "postgres", "web": "www-data", "app": "app"}
	linuxDaemons     = map[string][][3]string{
		"db":  {{"/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf", "postgres"}},
		"web": {{"/usr/sbin/nginx", "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", "root"}},
		"app": {{"/usr/bin/java", "/usr/bin/java -Xmx2g -jar /opt/app/app.jar --spring.profiles.active=prod", "app"}},
	}
	windowsDaemons = map[string][][2]string{
		"DC":  {{`C:\Windows\System32\dns.exe`, `C:\Windows\system32\dns.exe`}},
		"SQL": {{`C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe`, `"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER`}},
		"WEB": {{`C:\Windows\System32\inetsrv\w3wp.exe`, `c:\windows\system32\inetsrv\w3wp.exe -ap "DefaultAppPool" -v "v4.0" -l "webengine4.dll"`}},
	}
)

var windowsWeights = weighted{
	{"process", 20}, {"process_terminate", 14}, {"module", 14}, {"connection", 12},
	{"filechange", 10}, {"registry", 7}, {"windowsevent", 9}, {"amsiscan", 3},
	{"process_interpretated_file_run", 2}, {"process_console_interactive_input", 2},
	{"portlisten", 2}, {"driver", 1}, {"applock", 1}, {"blockdocument", 1},
}

var linuxWeights = weighted{
	{"process", 25}, {"process_terminate", 18}, {"module", 10}, {"connection", 15},
	{"filechange", 14}, {"portlisten", 3}, {"process_interpretated_file_run", 4},
	{"process_console_interactive_input", 5},
}

var windowsSpawns = []spawnRule{
	{[]string{"explorer.exe"}, chrome, []string{`"` + chrome + `"`, `"` + chrome + `" --profile-directory=Default`}, ""},
	{[]string{"chrome.exe"}, chrome, []string{`"` + chrome + `" --type=renderer --lang=en-US --renderer-client-id=7`, `"` + chrome + `" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US`, `"` + chrome + `" --type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAYAAAAAAAAAAAAAAAAAABgAAAAAAA`}, ""},
	{[]string{"explorer.exe"}, officeImages["WINWORD.EXE"], []string{`"` + officeImages["WINWORD.EXE"] + `" /n "{home}\Documents\Quarterly report.docx"`, `"` + officeImages["WINWORD.EXE"] + `" /n "{home}\Documents\Meeting notes {n}.docx"`}, ""},
	{[]string{"explorer.exe"}, officeImages["EXCEL.EXE"], []string{`"` + officeImages["EXCEL.EXE"] + `" "{home}\Documents\Budget 2026.xlsx"`}, ""},
	{[]string{"explorer.exe"}, officeImages["OUTLOOK.EXE"], []string{`"` + officeImages["OUTLOOK.EXE"] + `"`}, ""},
	{[]string{"explorer.exe"}, cmd, []string{`"C:\Windows\system32\cmd.exe"`}, ""},
	{[]string{"explorer.exe"}, powershell, []string{`"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"`, `powershell.exe -NoLogo`}, ""},
	{[]string{"explorer.exe"}, `C:\Windows\System32\notepad.exe`, []string{`"C:\Windows\system32\NOTEPAD.EXE" {home}\Documents\todo.txt`}, ""},
	{[]string{"cmd.exe", "powershell.exe"}, `C:\Windows\System32\whoami.exe`, []string{`whoami.exe`, `whoami /groups`}, ""},
	{[]string{"cmd.exe", "powershell.exe"}, `C:\Windows\System32\ipconfig.exe`, []string{`ipconfig /all`, `ipconfig /flushdns`}, ""},
	{[]string{"cmd.exe", "powershell.exe"}, `C:\Windows\System32\PING.EXE`, []string{`ping -n 4 fileserver.corp.local`, `ping 10.20.0.1`}, ""},
	{[]string{"cmd.exe", "powershell.exe"}, `C:\Windows\System32\net.exe`, []string{`net use Z: \\SRV-FS-04\share`, `net user {user} /domain`}, ""},
	{[]string{"cmd.exe"}, `C:\Windows\System32\tasklist.exe`, []string{`tasklist /v`}, ""},
	{[]string{"services.exe"}, `C:\Windows\System32\svchost.exe`, []string{`C:\Windows\system32\svchost.exe -k LocalService -p -s EventSystem`, `C:\Windows\System32\svchost.exe -k netsvcs -p -s Schedule`, `C:\Windows\system32\svchost.exe -k wusvcs -p -s WaaSMedicSvc`}, ""},
	{[]string{"services.exe"}, `C:\Windows\System32\msiexec.exe`, []string{`C:\Windows\system32\msiexec.exe /V`}, ""},
	{[]string{"svchost.exe"}, `C:\Windows\System32\taskhostw.exe`, []string{`taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly`, `taskhostw.exe`}, ""},
	{[]string{"svchost.exe"}, `C:\Windows\System32\wbem\WmiPrvSE.exe`, []string{`C:\Windows\system32\wbem\wmiprvse.exe -Embedding`}, `NT AUTHORITY\NETWORK SERVICE`},
	{[]string{"svchost.exe"}, `C:\Windows\System32\backgroundTaskHost.exe`, []string{`"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider`}, "user"},
}

var serverSpawns = []spawnRule{
	{[]string{"services.exe"}, `C:\Windows\System32\vds.exe`, []string{`C:\Windows\System32\vds.exe`}, ""},
	{[]string{"w3wp.exe"}, `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe`, []string{`"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe" /noconfig /fullpaths @"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\root\7c1f\app_web.cmdline"`}, ""},
}

var linuxSpawns = []spawnRule{
	{[]string{"sshd"}, "/usr/sbin/sshd", []string{"sshd: {user} [priv]"}, "root"},
	{[]string{"sshd"}, "/usr/bin/bash", []string{"-bash"}, "user"},
	{[]string{"bash"}, "/usr/bin/ls", []string{"ls -la", "ls /var/log"}, ""},
	{[]string{"bash"}, "/usr/bin/ps", []string{"ps aux", "ps -ef --forest"}, ""},
	{[]string{"bash"}, "/usr/bin/tail", []string{"tail -n 100 /var/log/syslog", "tail -f /var/log/nginx/error.log"}, ""},
	{[]string{"bash"}, "/usr/bin/vim", []string{"vim /etc/hosts", "vim notes.md"}, ""},
	{[]string{"bash"}, "/usr/bin/sudo", []string{"sudo systemctl status nginx", "sudo apt-get update", "sudo journalctl -u app --since today"}, ""},
	{[]string{"bash"}, "/usr/bin/git", []string{"git pull --ff-only", "git status"}, ""},
	{[]string{"sudo"}, "/usr/bin/systemctl", []string{"systemctl status nginx", "systemctl restart app"}, "root"},
	{[]string{"sudo"}, "/usr/bin/apt-get", []string{"apt-get update"}, "root"},
	{[]string{"cron"}, "/usr/bin/dash", []string{"/bin/sh -c /opt/app/backup.sh", "/bin/sh -c 'test -x /usr/sbin/anacron || run-parts --report /etc/cron.daily'"}, "root"},
	{[]string{"dash"}, "/usr/bin/run-parts", []string{"run-parts --report /etc/cron.daily"}, ""},
	{[]string{"dash"}, "/usr/bin/gzip", []string{"gzip -9 /var/backups/app.tar"}, ""},
	{[]string{"postgres"}, "/usr/lib/postgresql/15/bin/postgres", []string{"postgres: 15/main: app appdb 10.20.0.31(51234) idle", "postgres: 15/main: autovacuum worker"}, ""},
	{[]string{"nginx"}, "/usr/sbin/nginx", []string{"nginx: worker process"}, "www-data"},
}

// A netRule says which process makes which connections.
type netRule struct {
	image     string
	direction string
	remotes   []endpoint
}

// An endpoint is a remote host; an empty host name means a host of the generated network.
type endpoint struct {
	host, ip string
	port     int
}

var windowsNet = []netRule{
	{"svchost.exe", "Outbound", []endpoint{{"settings-win.data.microsoft.com", "20.42.65.92", 443}, {"ctldl.windowsupdate.com", "13.107.4.50", 80}, {"", "", 445}}},
	{"chrome.exe", "Outbound", []endpoint{{"www.google.com", "142.250.74.100", 443}, {"github.com", "140.82.121.4", 443}, {"outlook.office365.com", "52.97.146.162", 443}}},
	{"OUTLOOK.EXE", "Outbound", []endpoint{{"outlook.office365.com", "52.97.146.162", 443}}},
	{"explorer.exe", "Outbound", []endpoint{{"", "", 445}}},
	{"avp.exe", "Outbound", []endpoint{{"ksn-a-stat-geo.kaspersky-labs.com", "77.74.181.51", 443}}},
}

var linuxNet = []netRule{
	{"sshd", "Inbound", []endpoint{{"", "", 22}}},
	{"apt-get", "Outbound", []endpoint{{"archive.ubuntu.com", "91.189.91.83", 80}, {"deb.debian.org", "151.101.2.132", 80}}},
	{"git", "Outbound", []endpoint{{"github.com", "140.82.121.4", 443}}},
	{"java", "Outbound", []endpoint{{"", "", 5432}}},
	{"nginx", "Inbound", []endpoint{{"", "", 443}}},
	{"postgres", "Inbound", []endpoint{{"", "", 5432}}},
}

// A writeRule says which process writes which files.
type writeRule struct {
	image     string
	operation int // FileOperationType
	paths     []string
}

var windowsWrites = []writeRule{
	{"WINWORD.EXE", 1, []string{`{home}\Documents\Quarterly report.docx`, `{home}\AppData\Roaming\Microsoft\Word\~WRL{n}.tmp`}},
	{"chrome.exe", 0, []string{`{home}\Downloads\statement_{n}.pdf`, `{home}\AppData\Local\Google\Chrome\User Data\Default\History`}},
	{"EXCEL.EXE", 1, []string{`{home}\Documents\Budget 2026.xlsx`}},
	{"svchost.exe", 1, []string{`C:\Windows\Temp\MpCmdRun.log`, `C:\Windows\System32\LogFiles\WMI\RtBackup\EtwRTEventLog-System.etl`, `C:\ProgramData\Microsoft\Windows\DeviceMetadataCache\dmrc.idx`}},
	{"explorer.exe", 2, []string{`{home}\Desktop\report-final.docx`, `{home}\Documents\Scans\scan_{n}.pdf`}},
}

var linuxWrites = []writeRule{
	{"bash", 1, []string{"{home}/.bash_history", "{home}/notes.md"}},
	{"vim", 1, []string{"{home}/notes.md", "/etc/hosts"}},
	{"postgres", 1, []string{"/var/lib/postgresql/15/main/pg_wal/000000010000000A000000{n}", "/var/log/postgresql/postgresql-15-main.log"}},
	{"nginx", 1, []string{"/var/log/nginx/access.log", "/var/log/nginx/error.log"}},
	{"java", 1, []string{"/var/log/app/app.log", "/opt/app/tmp/upload-{n}.bin"}},
	{"gzip", 0, []string{"/var/backups/app.tar.gz"}},
}

// A listener is a process that listens on a port on hosts of an OS (and role).
type listener struct {
	os, role, image string
	port            int
}

var listeners = []listener{
	{"Windows", "", "svchost.exe", 135},
	{"Windows", "", "System", 445},
	{"Windows", "", "svchost.exe", 3389},
	{"Windows", "DC", "lsass.exe", 389},
	{"Windows", "DC", "dns.exe", 53},
	{"Windows", "SQL", "sqlservr.exe", 1433},
	{"Windows", "WEB", "w3wp.exe", 443},
	{"Linux", "", "sshd", 22},
	{"Linux", "db", "postgres", 5432},
	{"Linux", "web", "nginx", 443},
	{"Linux", "app", "java", 8080},
}

var (
	commonDLLs     = []string{`C:\Windows\System32\ntdll.dll`, `C:\Windows\System32\kernel32.dll`, `C:\Windows\System32\KernelBase.dll`, `C:\Windows\System32\user32.dll`, `C:\Windows\System32\advapi32.dll`, `C:\Windows\System32\crypt32.dll`}
	windowsModules = map[string][]string{
		"powershell.exe": {`C:\Windows\System32\amsi.dll`, `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll`, `C:\Windows\assembly\NativeImages_v4.0.30319_64\System.Management.Automation.ni.dll`},
		"chrome.exe":     {`C:\Program Files\Google\Chrome\Application\chrome_elf.dll`, `C:\Windows\System32\winhttp.dll`},
		"winword.exe":    {`C:\Program Files\Common Files\microsoft shared\VBA\VBA7.1\VBE7.DLL`, `C:\Program Files\Microsoft Office\root\Office16\WWLIB.DLL`},
		"svchost.exe":    {`C:\Windows\System32\wuaueng.dll`, `C:\Windows\System32\schedsvc.dll`},
	}
	linuxModules   = []string{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libpam.so.0", "/usr/lib/x86_64-linux-gnu/libz.so.1"}
	drivers        = []string{`C:\Windows\System32\drivers\klif.sys`, `C:\Windows\System32\drivers\klflt.sys`, `C:\Windows\System32\drivers\usbstor.sys`, `C:\Windows\System32\drivers\tcpip.sys`, `C:\Windows\System32\drivers\ndis.sys`}
	registryWrites = map[string][][3]string{
		"explorer.exe": {
			{`HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\.docx`, "MRUListEx", "03000000"},
			{`HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\UserAssist\{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\Count`, "HRZR_PGYFRFFVBA", "00000000"},
		},
		"svchost.exe": {
			{`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update`, "LastOnlineScanTimeForAppCategory", "2026-01-05 09:12:44"},
			{`HKLM\SYSTEM\CurrentControlSet\Services\bam\State\UserSettings\S-1-5-21-1004336348-1177238915-682003330-1105`, `\Device\HarddiskVolume3\Windows\System32\notepad.exe`, "0"},
		},
		"services.exe": {
			{`HKLM\SYSTEM\CurrentControlSet\Services\wuauserv`, "Start", "3"},
		},
	}
	benignScripts = []string{
		"Get-ChildItem -Path {home}\\Documents -Filter *.docx | Sort-Object LastWriteTime",
		"Import-Module ActiveDirectory; Get-ADUser {user}",
		"Get-Service | Where-Object Status -eq 'Running'",
		"Test-NetConnection fileserver.corp.local -Port 445",
	}
	windowsConsoleInput = []string{"ipconfig /all", "whoami", "net use", "dir {home}\\Documents", "Get-Process | Sort-Object CPU -Descending"}
	linuxConsoleInput   = []string{"sudo systemctl status nginx", "df -h", "tail -n 50 /var/log/syslog", "ps aux | grep java", "ls -la /opt/app"}
	blockedApps         = []string{"uTorrent.exe", "AnyDesk.exe", "TeamViewer_Setup.exe"}
	blockedDocs         = []string{"invoice_{n}.docm", "report.xlsm", "order.doc"}
)

// A script is an interpreter started on a script file.
type script struct {
	parents              []string
	interpreter, cmdline string
	script               string
}

var windowsScripts = []script{
	{[]string{"explorer.exe"}, `C:\Windows\System32\wscript.exe`, `"C:\Windows\System32\WScript.exe" "\\corp.local\NETLOGON\logon.vbs"`, `\\corp.local\NETLOGON\logon.vbs`},
	{[]string{"svchost.exe"}, powershell, `powershell.exe -ExecutionPolicy Bypass -File C:\Scripts\inventory.ps1`, `C:\Scripts\inventory.ps1`},
}

var linuxScripts = []script{
	{[]string{"cron"}, "/usr/bin/bash", "/bin/bash /opt/app/backup.sh", "/opt/app/backup.sh"},
	{[]string{"cron"}, "/usr/bin/python3", "/usr/bin/python3 /opt/app/cleanup.py --days 30", "/opt/app/cleanup.py"},
}

// logChannels gives, for each Windows event ID, the channel and provider Windows writes it
// with.
var logChannels = map[string][2]string{
	"4624": {"Security", "Microsoft-Windows-Security-Auditing"},
	"4625": {"Security", "Microsoft-Windows-Security-Auditing"},
	"4634": {"Security", "Microsoft-Windows-Security-Auditing"},
	"4672": {"Security", "Microsoft-Windows-Security-Auditing"},
	"4688": {"Security", "Microsoft-Windows-Security-Auditing"},
	"4720": {"Security", "Microsoft-Windows-Security-Auditing"},
	"1102": {"Security", "Microsoft-Windows-Eventlog"},
	"7045": {"System", "Service Control Manager"},
	"7036": {"System", "Service Control Manager"},
}

// An ioaRule is a TAA (IOA) rule with its MITRE ATT&CK technique and tactic.
type ioaRule struct{ name, technique, tactic string }

var ioaRules = map[string]ioaRule{
	"ioa-office-ps":       {"Office_Application_Starts_PowerShell", "T1566.001", "TA0001"},
	"ioa-ps-encoded":      {"Suspicious_PowerShell_Encoded_Command", "T1059.001", "TA0002"},
	"ioa-certutil":        {"Certutil_Download", "T1105", "TA0011"},
	"ioa-new-service":     {"New_Service_From_Temp_Directory", "T1543.003", "TA0003"},
	"ioa-brute-force":     {"Logon_Brute_Force", "T1110.001", "TA0006"},
	"ioa-lsass-dump":      {"LSASS_Memory_Dump_Comsvcs", "T1003.001", "TA0006"},
	"ioa-ssh-brute-force": {"SSH_Brute_Force_Then_Root_Shell", "T1110.001", "TA0006"},
}
