package repl_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

// A session over events held in memory, driven one input at a time as a front end does.
func ExampleSession() {
	var events []repl.Event
	for _, line := range []string{
		`{"EventType":"process","HostName":"WS-01","Timestamp":1764000000000000,"FileName":"powershell.exe"}`,
		`{"EventType":"process","HostName":"WS-02","Timestamp":1764000001500000,"FileName":"cmd.exe"}`,
	} {
		e, err := repl.NewEvent([]byte(line))
		if err != nil {
			panic(err)
		}
		events = append(events, e)
	}
	s := repl.New(repl.Options{
		Backend: repl.NewMemoryBackend("two events", events),
		Out:     os.Stdout,
		Err:     os.Stdout,
		Now:     func() time.Time { return time.Time{} }, // every query takes 0s
	})
	ctx := context.Background()
	for _, in := range []string{
		"EventType == 'process' AND FileName == '*.exe'",
		".explain 2",
		"EventType == 'proces'",
	} {
		fmt.Println("kata>", in)
		s.Execute(ctx, in)
	}
	// Output:
	// kata> EventType == 'process' AND FileName == '*.exe'
	// #  Timestamp (UTC)          EventType  HostName  FileName
	// 1  2025-11-24 16:00:00.000  process    WS-01     powershell.exe
	// 2  2025-11-24 16:00:01.500  process    WS-02     cmd.exe
	// 2 events in 0s
	// kata> .explain 2
	// event 2: 2025-11-24 16:00:01.500, process, WS-02
	// filter: EventType == 'process' AND FileName == '*.exe'
	//   true   AND
	//     true   EventType == 'process'  (EventType: "process")
	//     true   FileName == '*.exe'  (FileName: "cmd.exe")
	// kata> EventType == 'proces'
	// 1:14: error[KF0400]: 'proces' is not a known value of EventType; did you mean 'process'?
	//   EventType == 'proces'
	//                ^^^^^^^^
	//   help: write 'process'
	// error: the filter has 1 error; nothing was sent
}

// NeedsMore tells a front end to show the continuation prompt.
func ExampleNeedsMore() {
	fmt.Println(repl.NeedsMore("EventType == 'process' AND"))
	fmt.Println(repl.NeedsMore("RemotePort in (80,"))
	fmt.Println(repl.NeedsMore("EventType == 'process'"))
	// Output:
	// true
	// true
	// false
}

// Events printed as the REPL's table outside a session, as katafilter hunt --format table does.
func ExampleTableWriter() {
	prog, diags := lang.Compile("UserName == '*admin*'", lang.Config{})
	if prog == nil {
		panic(diags)
	}
	w := repl.NewTableWriter(repl.Options{Out: os.Stdout, Format: repl.Table}, prog)
	for _, line := range []string{
		`{"EventType":"logon","HostName":"DC-01","Timestamp":1764000000000000,"UserName":"CORP\\admin"}`,
		`{"EventType":"logon","HostName":"WS-02","Timestamp":1764000001500000,"UserName":"CORP\\carol.admin"}`,
	} {
		e, err := repl.NewEvent([]byte(line))
		if err != nil {
			panic(err)
		}
		w.Write(e)
	}
	w.Flush()
	// Output:
	// #  Timestamp (UTC)          EventType  HostName  UserName
	// 1  2025-11-24 16:00:00.000  logon      DC-01     CORP\admin
	// 2  2025-11-24 16:00:01.500  logon      WS-02     CORP\carol.admin
}
