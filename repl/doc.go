// Package repl is the interactive shell of katafilter ("katafilter repl"): an analyst types a
// filter, sees at once whether it is valid, runs it against the KATA events API (or a local
// file of events) and refines it.
//
// The package has two halves. [Session] is the logic, with no terminal: it takes one complete
// input at a time ([Session.Execute]: a filter or a meta-command such as .fields or .explain),
// checks filters with package lang, runs them through a [Backend] and prints results and
// diagnostics to writers. The front ends feed it: [RunTerminal] reads lines with
// github.com/chzyer/readline (history, tab completion, multi-line input, Ctrl-C to cancel a
// running query) and [RunPiped] reads a script line by line, for use without a terminal.
//
// A Backend is where events come from: the events API through its client (a real KATA, or the
// built-in emulator started in process), or events held in memory ([NewMemoryBackend]) read
// from files. The session never knows which: every backend speaks the API's terms, a filter,
// max_events, max_timeout and a continuation token.
package repl
