package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/katafilter/katafilter/eventsapi/server"
)

// serveLimits are the flags of serve that bound what one client may hold (server.Limits).
type serveLimits struct {
	header, body, write, idle *time.Duration
	connsPerClient            *int
	answerBytes               *int64
}

func (l *serveLimits) register(fs *flag.FlagSet) {
	d := server.DefaultLimits
	l.header = fs.Duration("header-timeout", d.Header, "a client has this long to complete the TLS handshake and send a request's headers")
	l.body = fs.Duration("body-timeout", d.Body, "a client has this long to send a request's body, once its headers are read")
	l.write = fs.Duration("write-timeout", d.Write, "an answer may take this long to write, beyond the max_timeout of a long poll")
	l.idle = fs.Duration("idle-timeout", d.Idle, "close a kept-alive connection after this long without a request")
	l.connsPerClient = fs.Int("conns-per-client", d.ConnsPerClient, "connections one client (IP address) may hold open at once; a further one is closed")
	l.answerBytes = fs.Int64("answer-bytes", d.AnswerBytes, "bytes of events that all the answers being collected or written may hold together")
}

// problem says what is wrong with the flags' values, or "".
func (l *serveLimits) problem() string {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--header-timeout", *l.header}, {"--body-timeout", *l.body}, {"--write-timeout", *l.write}, {"--idle-timeout", *l.idle}} {
		if d.v <= 0 {
			return fmt.Sprintf("%s must be positive, not %v", d.name, d.v)
		}
	}
	if *l.connsPerClient < 1 {
		return fmt.Sprintf("--conns-per-client must be at least 1, not %d", *l.connsPerClient)
	}
	if *l.answerBytes < 1 {
		return fmt.Sprintf("--answer-bytes must be at least 1, not %d", *l.answerBytes)
	}
	return ""
}

// limits are the server's limits of the flags.
func (l *serveLimits) limits() server.Limits {
	return server.Limits{Header: *l.header, Body: *l.body, Write: *l.write, Idle: *l.idle, ConnsPerClient: *l.connsPerClient, AnswerBytes: *l.answerBytes}
}
