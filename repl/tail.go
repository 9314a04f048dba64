package repl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/katafilter/katafilter/internal/words"
)

func (s *Session) cmdTail(ctx context.Context, args string) error {
	f, prog := s.lastFilter, s.lastProg
	if args != "" {
		var err error
		if f, prog, err = s.analyze(args, nil); err != nil {
			return err
		}
	} else if f == nil {
		return s.failf("no filter to follow: .tail FILTER (or run a filter first)")
	}
	req := s.request(f, prog)
	s.startStream(req.Filter)
	s.lastFilter, s.lastProg, s.last = f, prog, []Event{}
	if s.backend.Live() {
		s.note("following %s; Ctrl-C stops", req.Filter)
	}
	p := s.newPrinter(prog)
	p.streaming = true
	p.header()
	total := 0
	show := func(ans *Answer) error {
		for _, e := range ans.Events {
			p.event(e)
			if len(s.last) < maxKept {
				s.last = append(s.last, e)
				if len(s.last) == maxKept {
					s.note("(.save and .explain keep the first %d events of this tail)", maxKept)
				}
			}
		}
		total += len(ans.Events)
		if ans.Err != nil {
			fmt.Fprintf(s.errw, "%s\n", s.paint(ansiRed, "error: ")+ans.Err.Error())
		}
		return nil
	}
	if fl, ok := s.backend.(Follower); ok {
		err := fl.Follow(ctx, req, show)
		if err != nil && ctx.Err() == nil {
			s.note("%s", words.Plural(total, "event"))
			return s.fetchError(req, err)
		}
		s.note("%s; stopped", words.Plural(total, "event"))
		return nil
	}
	for ctx.Err() == nil {
		ans, err := s.backend.Fetch(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			s.note("%s", words.Plural(total, "event"))
			return s.fetchError(req, err)
		}
		show(ans)
		if !s.backend.Live() && len(ans.Events) < req.MaxEvents {
			s.note("%s; the end of the events", words.Plural(total, "event"))
			return nil
		}
	}
	s.note("%s; stopped", words.Plural(total, "event"))
	return nil
}

// compactJSON returns raw as one line of JSON (raw itself if it is not valid JSON).
func compactJSON(raw []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
