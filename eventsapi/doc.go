// Package eventsapi is the home of katafilter's implementation of the KATA events API: a
// faithful server (package server, with its store and its event generator), a client (package
// client) and an in-process server for tools and tests (package embedded). The wire contract
// is documented in docs/events-api.md.
package eventsapi
