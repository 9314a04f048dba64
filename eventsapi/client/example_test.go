package client_test

import (
	"context"
	"fmt"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/embedded"
)

// ExampleClient_Follow follows a stream until two matching events have arrived. Against a
// real KATA, build the client with client.New(client.Config{URL, ExternalSystemID, CertFile,
// KeyFile, CAFile}); here an in-process server stands in for it.
func ExampleClient_Follow() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer inst.Close()
	inst.Add([]byte(`{"EventType":"process","FileName":"cmd.exe"}`), []byte(`{"EventType":"module"}`))
	go inst.Add([]byte(`{"EventType":"process","FileName":"powershell.exe"}`))

	seen := 0
	err = inst.Client().Follow(ctx, client.FollowOptions{
		Request: client.Request{Filter: "EventType == 'process'", MaxTimeout: time.Second},
		Handle: func(ctx context.Context, r *client.Response) error {
			for _, e := range r.Events {
				fmt.Println(string(e))
				seen++
			}
			// Save r.Token here, after the events are written: at-least-once delivery.
			if seen == 2 {
				cancel()
			}
			return nil
		},
	})
	fmt.Println(err)
	// Output:
	// {"EventType":"process","FileName":"cmd.exe"}
	// {"EventType":"process","FileName":"powershell.exe"}
	// context canceled
}
