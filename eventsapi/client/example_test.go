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

// ExampleFollowNodes takes one answer from each node of a deployment (a PCN and its SCN), each
// continuing its own stream; FollowNodes without Once follows them all until ctx is done.
// In-process servers stand in for the nodes.
func ExampleFollowNodes() {
	ctx := context.Background()
	var nodes []client.Node
	for _, name := range []string{"pcn", "scn1"} {
		inst, err := embedded.Start(ctx, embedded.Options{Events: [][]byte{[]byte(`{"EventType":"process","HostName":"` + name + `-host"}`)}})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer inst.Close()
		nodes = append(nodes, client.Node{Name: name, Client: inst.Client()}) // Token: a saved one continues
	}
	err := client.FollowNodes(ctx, nodes, client.NodesOptions{
		Request: client.Request{Filter: "EventType == 'process'", MaxTimeout: client.NoWait},
		Once:    true,
		Handle: func(ctx context.Context, i int, r *client.Response) error {
			for _, e := range r.Events {
				fmt.Println(nodes[i].Name, string(e)) // never two answers at once: no lock needed
			}
			return nil // save r.Token for node i here, after its events are written
		},
	})
	fmt.Println(err)
	// Unordered output:
	// pcn {"EventType":"process","HostName":"pcn-host"}
	// scn1 {"EventType":"process","HostName":"scn1-host"}
	// <nil>
}
