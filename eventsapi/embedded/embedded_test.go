package embedded_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/embedded"
)

func TestStartFetch(t *testing.T) {
	ctx := context.Background()
	inst, err := embedded.Start(ctx, embedded.Options{Preload: 200, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	resp, err := inst.Client().Fetch(ctx, client.Request{Filter: "EventType == 'process'", MaxTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Events) == 0 || resp.Token == "" {
		t.Fatalf("got %d events, token %q", len(resp.Events), resp.Token)
	}
	for _, e := range resp.Events {
		var ev struct{ EventType string }
		if err := json.Unmarshal(e, &ev); err != nil || ev.EventType != "process" {
			t.Fatalf("event %s does not match the filter (%v)", e, err)
		}
	}
	// The token continues: a new event of the type arrives and is the only one returned.
	if err := inst.Add([]byte(`{"EventType":"process","HostName":"NEW-HOST"}`), []byte(`{"EventType":"module"}`)); err != nil {
		t.Fatal(err)
	}
	resp, err = inst.Client().Fetch(ctx, client.Request{Token: resp.Token, MaxTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Events) != 1 || string(resp.Events[0]) != `{"EventType":"process","HostName":"NEW-HOST"}` {
		t.Fatalf("continued: got %q", resp.Events)
	}
}

func TestBadFilterNothingSent(t *testing.T) {
	inst, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	_, err = inst.Client().Fetch(context.Background(), client.Request{Filter: "EventTyp == 'process'"})
	if _, ok := err.(*client.FilterError); !ok {
		t.Fatalf("got %v, want a *client.FilterError", err)
	}
}

// Example starts an in-process server with synthetic events and reads the first answer
// through the real client over loopback TLS.
func Example() {
	ctx := context.Background()
	inst, err := embedded.Start(ctx, embedded.Options{Events: [][]byte{
		[]byte(`{"EventType":"process","FileName":"powershell.exe"}`),
		[]byte(`{"EventType":"process","FileName":"notepad.exe"}`),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer inst.Close()
	resp, err := inst.Client().Fetch(ctx, client.Request{Filter: "FileName == '*shell*'"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range resp.Events {
		fmt.Println(string(e))
	}
	// Output: {"EventType":"process","FileName":"powershell.exe"}
}
